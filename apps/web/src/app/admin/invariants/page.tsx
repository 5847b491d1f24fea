import type { Metadata } from "next";
import { Invariants } from "@/features/admin/invariants";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Invariants" };

export default consolePage(
  () => <Invariants />,
  () => [trpc.admin.invariants.list.queryOptions()],
);
