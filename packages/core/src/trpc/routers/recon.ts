// admin.recon.*: reconciliation reports and decisions for the operator console (shapes in docs/reconciliation.md).
import { decideReconItem } from "../../recon/decide";
import { decideManyReconItems, previewReconItems } from "../../recon/decideMany";
import { listReconItems, listReconRuns } from "../../recon/queries";
import { reconcileNow } from "../../recon/reconcileNow";
import {
  ZReconDecideInput,
  ZReconDecideManyInput,
  ZReconItemsInput,
  ZReconPreviewInput,
  ZReconRunInput,
  ZReconRunsInput,
} from "../../recon/recon.schema";
import { router } from "../init";
import { operatorProcedure, stepUpProcedure } from "../procedures";

export const reconRouter = router({
  // A run may book executions the broker reports and we lack (auto-applied fixes): it moves money, like a decision.
  run: stepUpProcedure.input(ZReconRunInput).mutation(({ ctx, input }) => reconcileNow({ ctx, input })),
  runs: operatorProcedure.input(ZReconRunsInput).query(({ ctx, input }) => listReconRuns(ctx.services.prisma, input)),
  items: operatorProcedure
    .input(ZReconItemsInput)
    .query(({ ctx, input }) => listReconItems(ctx.services.prisma, input)),
  decide: stepUpProcedure.input(ZReconDecideInput).mutation(({ ctx, input }) => decideReconItem({ ctx, input })),
  preview: operatorProcedure.input(ZReconPreviewInput).query(({ ctx, input }) => previewReconItems({ ctx, input })),
  decideMany: stepUpProcedure
    .input(ZReconDecideManyInput)
    .mutation(({ ctx, input }) => decideManyReconItems({ ctx, input })),
});
