// Inputs of the session procedures: auth.stepUp, admin.sessions.list and admin.sessions.revoke.
import { z } from "zod";
import { ZAuditReason } from "../audit/reason";

export const ZStepUpInput = z.object({ password: z.string().min(1, "Type your password to confirm.").max(1000) });
export type TStepUpInput = z.infer<typeof ZStepUpInput>;

export const ZAccountSessionsInput = z.object({ accountId: z.uuid("That is not a valid account id.") });
export type TAccountSessionsInput = z.infer<typeof ZAccountSessionsInput>;

export const ZRevokeSessionInput = z.object({
  accountId: z.uuid("That is not a valid account id."),
  sessionId: z.uuid("That is not a valid session id."),
  reason: ZAuditReason,
});
export type TRevokeSessionInput = z.infer<typeof ZRevokeSessionInput>;
