import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { AdminConsole } from "@/features/admin/admin-console";
import { filtersFromSearchParams, toQueryInput } from "@/features/admin/console-queries";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Operator console" };

export default async function AdminPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const operator = await requireOperator("/admin");
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const filters = filtersFromSearchParams(await searchParams);
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.stats.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.orders.list.queryOptions(toQueryInput(filters))),
  ]);
  return (
    <HydrateClient>
      <div className="flex min-h-screen flex-col">
        <AppHeader area="console" />
        <AdminConsole initialFilters={filters} />
      </div>
    </HydrateClient>
  );
}
