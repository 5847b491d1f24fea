// The Quarantine's bulk review (admin.quarantine.preview / decideMany): the shared machinery of operator/bulk.ts with
// this queue's plan (planQuarantineReview) and its single-row handler (reviewQuarantineEntry).
import { decideEach, GONE, previewEach, type BulkResult } from "../operator/bulk";
import type { OperatorCtx } from "../services";
import type { TQuarantineDecideManyInput, TQuarantinePreviewInput } from "./quarantine.schema";
import { planQuarantineReview, quarantineRowState, reviewQuarantineEntry } from "./review";

export async function previewQuarantine({
  ctx,
  input,
}: {
  ctx: OperatorCtx & { user: { userId: string } };
  input: TQuarantinePreviewInput;
}) {
  return previewEach(input.ids, async (key) => {
    const row = await quarantineRowState(ctx.services.prisma, key);
    return { state: row?.state ?? GONE, plan: planQuarantineReview(key, row !== null, row?.review ?? null) };
  });
}

export async function decideManyQuarantine({
  ctx,
  input,
}: {
  ctx: OperatorCtx & { user: { userId: string } };
  input: TQuarantineDecideManyInput;
}): Promise<BulkResult> {
  return decideEach({
    ctx,
    queue: "quarantine",
    decision: input.decision,
    reason: input.reason,
    rows: input.rows,
    currentState: async (key) => (await quarantineRowState(ctx.services.prisma, key))?.state ?? GONE,
    apply: async (key, batchId) => {
      await reviewQuarantineEntry({ ctx: { ...ctx, batchId }, input: { key, reason: input.reason } });
      return "Done: marked reviewed.";
    },
  });
}
