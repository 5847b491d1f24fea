// The reconciliation report's bulk decisions (admin.recon.preview / decideMany): the shared machinery of
// operator/bulk.ts with this queue's plan (planReconDecision) and its single-row handler (decideReconItem).
import { decideEach, GONE, previewEach, type BulkResult } from "../operator/bulk";
import { refuse } from "../operator/plan";
import type { OperatorCtx } from "../services";
import { DomainError } from "../shared/errors";
import { decideReconItem, planReconDecision, reconRowState } from "./decide";
import type { TReconDecideManyInput, TReconPreviewInput } from "./recon.schema";

export async function previewReconItems({ ctx, input }: { ctx: OperatorCtx; input: TReconPreviewInput }) {
  const { prisma } = ctx.services;
  return previewEach(input.ids, async (itemId) => {
    const item = await prisma.reconItem.findUnique({ where: { id: itemId } });
    if (!item) return { state: GONE, plan: refuse("no such item.", new DomainError("NOT_FOUND", "No such item.")) };
    const order = item.orderId ? await prisma.order.findUnique({ where: { id: item.orderId } }) : undefined;
    return {
      state: { state: item.status, version: item.version },
      plan: planReconDecision(item, input.decision, order),
    };
  });
}

export async function decideManyReconItems({
  ctx,
  input,
}: {
  ctx: OperatorCtx;
  input: TReconDecideManyInput;
}): Promise<BulkResult> {
  return decideEach({
    ctx,
    queue: "recon",
    decision: input.decision,
    reason: input.reason,
    rows: input.rows,
    currentState: async (itemId) => (await reconRowState(ctx.services.prisma, itemId)) ?? GONE,
    apply: async (itemId, batchId) => {
      const item = await decideReconItem({
        ctx: { ...ctx, batchId },
        input: { itemId, decision: input.decision, reason: input.reason },
      });
      return `Done: the item is now ${item.status}.`;
    },
  });
}
