import { z } from "zod";
import { ZAuditReason } from "../audit/reason";

export const ZRetryParkedInput = z.object({
  messageId: z.uuid("That is not a message id. Refresh the parked messages and retry from the message's row."),
  reason: ZAuditReason,
});
export type TRetryParkedInput = z.infer<typeof ZRetryParkedInput>;
