import type { Metadata } from "next";
import { RECON_ITEMS_INITIAL_STATUS, RECON_RUNS_LIMIT } from "@/features/admin/console-queries";
import { ReconReport } from "@/features/admin/recon-report";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Reconciliation" };

export default consolePage(
  () => <ReconReport />,
  () => [
    trpc.admin.recon.runs.queryOptions({ limit: RECON_RUNS_LIMIT }),
    trpc.admin.recon.items.queryOptions({ status: RECON_ITEMS_INITIAL_STATUS }),
  ],
);
