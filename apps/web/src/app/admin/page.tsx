import type { Metadata } from "next";
import { AdminConsole } from "@/features/admin/admin-console";
import { filtersFromSearchParams, toQueryInput } from "@/features/admin/console-queries";
import { HydrateClient, trpc } from "@/trpc/server";
import { prefetch } from "./prefetch";

export const metadata: Metadata = { title: "Operator console" };

export default async function AdminPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const filters = filtersFromSearchParams(await searchParams);
  await prefetch(trpc.admin.stats.queryOptions(), trpc.admin.orders.list.queryOptions(toQueryInput(filters)));
  return (
    <HydrateClient>
      <AdminConsole initialFilters={filters} />
    </HydrateClient>
  );
}
