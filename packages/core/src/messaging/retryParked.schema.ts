import { z } from "zod";

export const ZRetryParkedInput = z.object({
  messageId: z.uuid("That is not a message id. Refresh the parked messages and retry from the message's row."),
  reason: z.string().trim().min(5, "Give a reason of at least 5 characters; it is kept in the audit log.").max(500),
});
export type TRetryParkedInput = z.infer<typeof ZRetryParkedInput>;
