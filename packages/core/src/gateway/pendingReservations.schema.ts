// Inputs of the Pending queue's procedures (admin.pending.*): one reservation's decision, and the bulk preview/apply.
import { z } from "zod";
import { ZAuditReason } from "../audit/reason";
import { bulkDecideInput, bulkPreviewInput } from "../operator/bulk.schema";

export const PENDING_DECISIONS = ["CONFIRM", "CANCEL"] as const;
export type PendingDecision = (typeof PENDING_DECISIONS)[number];

const ZOrderId = z.uuid("That is not a valid order id.");

export const ZPendingResolveInput = z.object({
  orderId: ZOrderId,
  decision: z.enum(PENDING_DECISIONS),
  reason: ZAuditReason,
});
export type TPendingResolveInput = z.infer<typeof ZPendingResolveInput>;

export const ZPendingPreviewInput = bulkPreviewInput(PENDING_DECISIONS, ZOrderId);
export type TPendingPreviewInput = z.infer<typeof ZPendingPreviewInput>;

export const ZPendingDecideManyInput = bulkDecideInput(PENDING_DECISIONS, ZOrderId);
export type TPendingDecideManyInput = z.infer<typeof ZPendingDecideManyInput>;
