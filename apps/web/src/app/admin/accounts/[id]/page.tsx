import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { AccountDetail } from "@/features/admin/account-detail";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Account" };

export default async function AdminAccountPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const operator = await requireOperator(`/admin/accounts/${id}`);
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const queryClient = getQueryClient();
  try {
    await Promise.all([
      queryClient.fetchQuery(trpc.admin.accounts.detail.queryOptions({ accountId: id })),
      queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    ]);
  } catch (error) {
    // A mistyped or unknown id is a 404 page; anything else goes to the error boundary.
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
  return (
    <HydrateClient>
      <div className="flex min-h-screen flex-col">
        <AppHeader area="console" />
        <AccountDetail accountId={id} />
      </div>
    </HydrateClient>
  );
}
