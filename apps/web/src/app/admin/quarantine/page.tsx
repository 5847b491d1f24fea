import type { Metadata } from "next";
import { QUARANTINE_INITIAL_STATUS, quarantineInput } from "@/features/admin/console-queries";
import { Quarantine } from "@/features/admin/quarantine";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Quarantine" };

export default consolePage(
  () => <Quarantine />,
  () => [trpc.admin.quarantine.list.queryOptions(quarantineInput(QUARANTINE_INITIAL_STATUS))],
);
