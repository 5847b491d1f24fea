import { z } from "zod";
import { ZAuditReason } from "../audit/reason";

export const ZCompensationDecisionInput = z.object({
  sagaId: z.uuid("sagaId must be a saga id"),
  step: z.string().trim().min(1).max(80),
  reason: ZAuditReason,
});
export type TCompensationDecisionInput = z.infer<typeof ZCompensationDecisionInput>;

export const ZSagaListInput = z.object({
  status: z
    .enum(["RUNNING", "WAITING", "COMPENSATING", "COMPLETED", "COMPENSATED", "FAILED", "NEEDS_OPERATOR"])
    .optional(),
  type: z.string().trim().max(40).optional(),
  limit: z.number().int().min(1).max(500).default(200),
});
export type TSagaListInput = z.infer<typeof ZSagaListInput>;

export const ZSagaIdInput = z.object({ sagaId: z.uuid("sagaId must be a saga id") });
export type TSagaIdInput = z.infer<typeof ZSagaIdInput>;
