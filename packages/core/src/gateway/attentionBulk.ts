// The attention queue's bulk decisions (admin.attention.preview / decideMany): the shared machinery of operator/bulk.ts
// with this queue's plan (planAttention) and its single-row handler (actOnAttention).
import { decideEach, GONE, previewEach, type BulkResult } from "../operator/bulk";
import { refuse } from "../operator/plan";
import type { OperatorCtx } from "../services";
import { DomainError } from "../shared/errors";
import { actOnAttention, attentionRowState, planAttention } from "./attention";
import type { TAttentionDecideManyInput, TAttentionPreviewInput } from "./attention.schema";

export async function previewAttention({ ctx, input }: { ctx: OperatorCtx; input: TAttentionPreviewInput }) {
  const { prisma } = ctx.services;
  return previewEach(input.ids, async (orderId) => {
    const order = await prisma.order.findUnique({ where: { id: orderId } });
    if (!order) return { state: GONE, plan: refuse("no such order.", new DomainError("NOT_FOUND", "No such order.")) };
    const plan = await planAttention(prisma, ctx.services, order, input.decision);
    return { state: { state: order.status, version: order.version }, plan };
  });
}

export async function decideManyAttention({
  ctx,
  input,
}: {
  ctx: OperatorCtx;
  input: TAttentionDecideManyInput;
}): Promise<BulkResult> {
  return decideEach({
    ctx,
    queue: "attention",
    decision: input.decision,
    reason: input.reason,
    rows: input.rows,
    currentState: async (orderId) => (await attentionRowState(ctx.services.prisma, orderId)) ?? GONE,
    apply: async (orderId, batchId) => {
      const order = await actOnAttention({
        ctx: { ...ctx, batchId },
        input: { orderId, action: input.decision, reason: input.reason },
      });
      return `Done: the order is now ${order.status}.`;
    },
  });
}
