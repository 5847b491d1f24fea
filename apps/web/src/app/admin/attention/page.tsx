import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { AttentionQueue } from "@/features/admin/attention-queue";
import { ParkedMessages } from "@/features/admin/parked-messages";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Attention queue" };

export default async function AttentionPage() {
  const operator = await requireOperator("/admin/attention");
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.attention.list.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.parkedMessages.list.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <div className="flex min-h-screen flex-col">
        <AppHeader area="console" />
        <AttentionQueue />
        <ParkedMessages />
      </div>
    </HydrateClient>
  );
}
