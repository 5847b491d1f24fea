import type { Metadata } from "next";
import { SagaDetail } from "@/features/admin/sagas/saga-detail";
import { trpc } from "@/trpc/server";
import { recordPage } from "../../prefetch";

export const metadata: Metadata = { title: "Saga" };

export default recordPage(
  (sagaId) => <SagaDetail sagaId={sagaId} />,
  (sagaId) => trpc.admin.sagas.detail.queryOptions({ sagaId }),
);
