import type { Metadata } from "next";
import { PendingQueue } from "@/features/admin/pending-queue";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Pending queue" };

export default consolePage(
  () => <PendingQueue />,
  () => [trpc.admin.pending.list.queryOptions()],
);
