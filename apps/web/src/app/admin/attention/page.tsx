import type { Metadata } from "next";
import { AttentionQueue } from "@/features/admin/attention-queue";
import { ParkedMessages } from "@/features/admin/parked-messages";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Attention queue" };

export default consolePage(
  () => (
    <>
      <AttentionQueue />
      <ParkedMessages />
    </>
  ),
  () => [trpc.admin.attention.list.queryOptions(), trpc.admin.parkedMessages.list.queryOptions()],
);
