// Inputs of the attention queue's procedures (admin.attention.*): one order's decision, and the bulk preview/apply.
import { z } from "zod";
import { ZAuditReason } from "../audit/reason";
import { bulkDecideInput, bulkPreviewInput } from "../operator/bulk.schema";

export const ATTENTION_ACTIONS = ["RETRY", "REJECT", "CANCEL"] as const;
export type AttentionAction = (typeof ATTENTION_ACTIONS)[number];

const ZOrderId = z.uuid("That is not a valid order id.");

export const ZAttentionActInput = z.object({
  orderId: ZOrderId,
  action: z.enum(ATTENTION_ACTIONS),
  reason: ZAuditReason,
});
export type TAttentionActInput = z.infer<typeof ZAttentionActInput>;

export const ZAttentionPreviewInput = bulkPreviewInput(ATTENTION_ACTIONS, ZOrderId);
export type TAttentionPreviewInput = z.infer<typeof ZAttentionPreviewInput>;

export const ZAttentionDecideManyInput = bulkDecideInput(ATTENTION_ACTIONS, ZOrderId);
export type TAttentionDecideManyInput = z.infer<typeof ZAttentionDecideManyInput>;
