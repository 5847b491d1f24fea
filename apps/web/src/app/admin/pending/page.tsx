import type { Metadata } from "next";
import { FeePointsPanel } from "@/features/admin/fee-points-panel";
import { PendingQueue } from "@/features/admin/pending-queue";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Pending queue" };

export default consolePage(
  () => (
    <>
      <PendingQueue />
      <FeePointsPanel />
    </>
  ),
  () => [trpc.admin.pending.list.queryOptions(), trpc.admin.feePoints.branches.queryOptions()],
);
