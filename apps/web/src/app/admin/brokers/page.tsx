import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { BrokersOverview } from "@/features/admin/brokers-overview";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Brokers" };

export default async function BrokersPage() {
  const operator = await requireOperator("/admin/brokers");
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.brokers.overview.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <div className="flex min-h-screen flex-col">
        <AppHeader area="console" />
        <BrokersOverview />
      </div>
    </HydrateClient>
  );
}
