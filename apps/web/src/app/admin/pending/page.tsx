import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { PendingQueue } from "@/features/admin/pending-queue";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Pending queue" };

export default async function PendingPage() {
  const operator = await requireOperator("/admin/pending");
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.pending.list.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <div className="flex min-h-screen flex-col">
        <AppHeader area="console" />
        <PendingQueue />
      </div>
    </HydrateClient>
  );
}
