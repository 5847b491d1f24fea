import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { OrderDetail } from "@/features/admin/order-detail";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Order" };

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const operator = await requireOperator(`/admin/orders/${id}`);
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  const queryClient = getQueryClient();
  try {
    await Promise.all([
      queryClient.fetchQuery(trpc.admin.orders.detail.queryOptions({ orderId: id })),
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
        <OrderDetail orderId={id} />
      </div>
    </HydrateClient>
  );
}
