import type { Metadata } from "next";
import { sagaListInput } from "@/features/admin/console-queries";
import { SagasOverview } from "@/features/admin/sagas/sagas-overview";
import { trpc } from "@/trpc/server";
import { consolePage } from "../prefetch";

export const metadata: Metadata = { title: "Sagas" };

export default consolePage(
  () => <SagasOverview />,
  () => [
    trpc.admin.sagas.counts.queryOptions(),
    trpc.admin.sagas.list.queryOptions(sagaListInput({ status: "", type: "" })),
  ],
);
