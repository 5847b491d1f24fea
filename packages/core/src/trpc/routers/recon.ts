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
import { operatorProcedure } from "../procedures";

export const reconRouter = router({
  run: operatorProcedure.input(ZReconRunInput).mutation(({ ctx, input }) => reconcileNow({ ctx, input })),
  runs: operatorProcedure.input(ZReconRunsInput).query(({ ctx, input }) => listReconRuns(ctx.services.prisma, input)),
  items: operatorProcedure
    .input(ZReconItemsInput)
    .query(({ ctx, input }) => listReconItems(ctx.services.prisma, input)),
  decide: operatorProcedure.input(ZReconDecideInput).mutation(({ ctx, input }) => decideReconItem({ ctx, input })),
  preview: operatorProcedure.input(ZReconPreviewInput).query(({ ctx, input }) => previewReconItems({ ctx, input })),
  decideMany: operatorProcedure
    .input(ZReconDecideManyInput)
    .mutation(({ ctx, input }) => decideManyReconItems({ ctx, input })),
});
