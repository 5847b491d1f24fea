import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { ReconReport } from "@/features/admin/recon-report";
import { RECON_ITEMS_INITIAL_STATUS, RECON_RUNS_LIMIT } from "@/features/admin/console-queries";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Reconciliation" };

export default async function ReconPage() {
  const operator = await requireOperator("/admin/recon");
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.recon.runs.queryOptions({ limit: RECON_RUNS_LIMIT })),
    queryClient.prefetchQuery(trpc.admin.recon.items.queryOptions({ status: RECON_ITEMS_INITIAL_STATUS })),
  ]);
  return (
    <HydrateClient>
      <div className="flex min-h-screen flex-col">
        <AppHeader area="console" />
        <ReconReport />
      </div>
    </HydrateClient>
  );
}
