// The Pending queue's bulk decisions (admin.pending.preview / decideMany): the shared machinery of operator/bulk.ts
// with this queue's plan (planPending) and its single-row handler (resolvePendingByOperator).
import { decideEach, GONE, previewEach, type BulkResult } from "../operator/bulk";
import { refuse } from "../operator/plan";
import type { OperatorCtx } from "../services";
import { DomainError } from "../shared/errors";
import { pendingRowState, pendingStateOf, planPending, resolvePendingByOperator } from "./pendingReservations";
import type { TPendingDecideManyInput, TPendingPreviewInput } from "./pendingReservations.schema";

export async function previewPending({ ctx, input }: { ctx: OperatorCtx; input: TPendingPreviewInput }) {
  const { prisma } = ctx.services;
  return previewEach(input.ids, async (orderId) => {
    const [record, order] = await Promise.all([
      prisma.tccTransaction.findUnique({ where: { orderId } }),
      prisma.order.findUnique({ where: { id: orderId } }),
    ]);
    if (!record || !order)
      return { state: GONE, plan: refuse("no such reservation.", new DomainError("NOT_FOUND", "No such order.")) };
    return {
      state: pendingStateOf(record, order),
      plan: await planPending(ctx.services, record, order, input.decision),
    };
  });
}

export async function decideManyPending({
  ctx,
  input,
}: {
  ctx: OperatorCtx;
  input: TPendingDecideManyInput;
}): Promise<BulkResult> {
  return decideEach({
    ctx,
    queue: "pending",
    decision: input.decision,
    reason: input.reason,
    rows: input.rows,
    currentState: async (orderId) => (await pendingRowState(ctx.services.prisma, orderId)) ?? GONE,
    apply: async (orderId, batchId) => {
      const order = await resolvePendingByOperator({
        ctx: { ...ctx, batchId },
        input: { orderId, decision: input.decision, reason: input.reason },
      });
      return `Done: the order is now ${order.status}; the reservation has left the queue.`;
    },
  });
}
