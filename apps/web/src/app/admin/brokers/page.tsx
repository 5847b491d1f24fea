import type { Metadata } from "next";
import { BrokersOverview } from "@/features/admin/brokers-overview";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Brokers" };

export default consolePage(
  () => <BrokersOverview />,
  () => [trpc.admin.brokers.overview.queryOptions()],
);
