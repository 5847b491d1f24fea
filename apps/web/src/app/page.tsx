import { AppHeader } from "@/components/app-header";
import { ORDERS_LIMIT } from "@/features/trading/types";
import { TradingScreen } from "@/features/trading/trading-screen";
import { requireCustomer } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export default async function TradingPage() {
  await requireCustomer("/");
  const queryClient = getQueryClient();
  // Awaited so the first paint already shows balances and orders; after that, order changes arrive by push.
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
    queryClient.prefetchQuery(trpc.account.summary.queryOptions()),
    queryClient.prefetchQuery(trpc.market.quotes.queryOptions()),
    queryClient.prefetchQuery(trpc.orders.list.queryOptions({ scope: "open", limit: ORDERS_LIMIT })),
  ]);
  return (
    <HydrateClient>
      <div className="flex h-screen flex-col">
        <AppHeader area="trading" />
        <TradingScreen />
      </div>
    </HydrateClient>
  );
}
