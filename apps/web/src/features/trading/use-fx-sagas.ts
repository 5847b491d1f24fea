"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { useTRPC } from "@/trpc/client";
import { sagaEnded, sagaWaitsForOperator } from "./fx-format";
import type { FxSaga } from "./types";

/** While a saga is moving, its steps are a second apart: poll that often (the order feed covers the order's part). */
const RUNNING_SAGA_REFRESH_MS = 1000;

/** Fast while any saga is still moving; slow while a refund waits for an operator; off once all have ended. */
export function sagaRefreshMs(sagas: readonly Pick<FxSaga, "status">[] | undefined): number | false {
  if (!sagas) return false;
  if (sagas.some((saga) => !sagaEnded(saga) && !sagaWaitsForOperator(saga))) return RUNNING_SAGA_REFRESH_MS;
  return sagas.some(sagaWaitsForOperator) ? ORDER_FALLBACK_REFRESH_MS : false;
}

/**
 * The customer's exchanges and won payments, live: useOrderChanges refetches them on every order change; polling
 * covers the conversions, which change no order. Balances are refetched whenever any saga moves, since every step
 * moves won or dollars.
 */
export function useFxSagas() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sagas = useQuery({
    ...trpc.fx.sagas.queryOptions(),
    refetchInterval: (query) => sagaRefreshMs(query.state.data),
  });
  const progress = sagas.data?.map((saga) => `${saga.id}:${saga.status}:${saga.phase}`).join(",");
  const shownProgress = useRef(progress);
  useEffect(() => {
    if (progress === shownProgress.current) return;
    shownProgress.current = progress;
    void queryClient.invalidateQueries(trpc.account.summary.pathFilter());
  }, [progress, queryClient, trpc]);
  return sagas;
}
