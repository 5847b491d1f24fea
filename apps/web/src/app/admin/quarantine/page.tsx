import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { Quarantine } from "@/features/admin/quarantine";
import { QUARANTINE_INITIAL_STATUS, quarantineInput } from "@/features/admin/console-queries";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Quarantine" };

export default async function QuarantinePage() {
  const operator = await requireOperator("/admin/quarantine");
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.quarantine.list.queryOptions(quarantineInput(QUARANTINE_INITIAL_STATUS))),
  ]);
  return (
    <HydrateClient>
      <div className="flex min-h-screen flex-col">
        <AppHeader area="console" />
        <Quarantine />
      </div>
    </HydrateClient>
  );
}
