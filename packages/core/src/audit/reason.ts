// The reason every operator action carries into the audit log: one rule, for the tRPC inputs and for the handlers
// called directly (the worker, tests), so the console and the log never disagree on what a reason is.
import { z } from "zod";

export const AUDIT_REASON_MESSAGE = "Give a reason of at least 5 characters; it is kept in the audit log.";

export const ZAuditReason = z.string().trim().min(5, AUDIT_REASON_MESSAGE).max(500);
export type TAuditReason = z.infer<typeof ZAuditReason>;
