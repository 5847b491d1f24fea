"use client";

import { skipToken, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/trpc/client";

export type LiveState = "connecting" | "live" | "reconnecting" | "offline";
export type LiveArea = "trading" | "console";

type Change = { orderId: string; accountId: string };
/** What to refetch: the orders and accounts that changed, or everything the area shows (after a (re)connect). */
type Batch = { everything: boolean; orderIds: Set<string>; accountIds: Set<string> };

/** Changes are gathered this long before refetching, so a burst of fills costs one refetch per query, not one each. */
const GATHER_MS = 150;

const emptyBatch = (): Batch => ({ everything: false, orderIds: new Set(), accountIds: new Set() });

/**
 * Subscribes to the order changes of `area` (the customer's own orders, or every order for the console) and refetches
 * the queries they affect as they arrive. Each (re)connect also refetches everything the area shows, which covers
 * whatever changed while the stream was down. Polling stays on in the screens, slowed down, as the fallback.
 */
export function useOrderChanges(area: LiveArea): LiveState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const batch = useRef<Batch>(emptyBatch());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = () => {
    timer.current = null;
    const due = batch.current;
    batch.current = emptyBatch();
    const filters = area === "trading" ? tradingFilters(trpc, due) : consoleFilters(trpc, due);
    invalidateAll(queryClient, filters);
  };
  const gather = (change: Change | null) => {
    if (change) {
      batch.current.orderIds.add(change.orderId);
      batch.current.accountIds.add(change.accountId);
    } else {
      batch.current.everything = true;
    }
    timer.current ??= setTimeout(flush, GATHER_MS);
  };
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);

  const handlers = { onStarted: () => gather(null), onData: (change: Change) => gather(change) };
  const customer = useSubscription(
    trpc.orders.onChange.subscriptionOptions(area === "trading" ? undefined : skipToken, handlers),
  );
  const operator = useSubscription(
    trpc.admin.orders.onChange.subscriptionOptions(area === "console" ? undefined : skipToken, handlers),
  );
  return useLiveState(area === "trading" ? customer.status : operator.status);
}

function tradingFilters(trpc: ReturnType<typeof useTRPC>, due: Batch) {
  // A buy paid in won is a saga around an order: the order's changes are the saga's progress too.
  if (due.everything) return [trpc.orders.pathFilter(), trpc.account.pathFilter(), trpc.fx.sagas.pathFilter()];
  return [
    trpc.orders.list.pathFilter(),
    trpc.account.summary.pathFilter(),
    trpc.fx.sagas.pathFilter(),
    trpc.fx.saga.pathFilter(),
    ...[...due.orderIds].map((orderId) => trpc.orders.byId.queryFilter({ orderId })),
  ];
}

function consoleFilters(trpc: ReturnType<typeof useTRPC>, due: Batch) {
  const lists = [trpc.admin.orders.list.pathFilter(), trpc.admin.stats.pathFilter(), trpc.admin.sagas.pathFilter()];
  if (due.everything) return [...lists, trpc.admin.orders.detail.pathFilter(), trpc.admin.accounts.detail.pathFilter()];
  return [
    ...lists,
    ...[...due.orderIds].map((orderId) => trpc.admin.orders.detail.queryFilter({ orderId })),
    ...[...due.accountIds].map((accountId) => trpc.admin.accounts.detail.queryFilter({ accountId })),
  ];
}

function invalidateAll(queryClient: QueryClient, filters: Parameters<QueryClient["invalidateQueries"]>[0][]) {
  for (const filter of filters) void queryClient.invalidateQueries(filter);
}

/** The subscription's status as the header shows it: "connecting" until the first connection, "reconnecting" after. */
function useLiveState(status: "idle" | "connecting" | "pending" | "error"): LiveState {
  const [wasLive, setWasLive] = useState(false);
  useEffect(() => {
    if (status === "pending") setWasLive(true);
  }, [status]);
  if (status === "pending") return "live";
  if (status === "error") return "offline";
  return wasLive ? "reconnecting" : "connecting";
}
