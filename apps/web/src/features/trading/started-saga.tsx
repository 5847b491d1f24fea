"use client";

import { useQuery } from "@tanstack/react-query";
import { Banner } from "@/components/banner";
import { useTRPC } from "@/trpc/client";
import { SagaProgress } from "./saga-progress";
import { sagaRefreshMs } from "./use-fx-sagas";
import { sagaTitle } from "./sagas-panel";

/**
 * The saga the person just started, followed through `fx.saga` (the status polling API) until it ends; the same saga
 * also shows in "Exchanges and won payments".
 */
export function StartedSaga({ sagaId, onDismiss }: { sagaId: string; onDismiss: () => void }) {
  const trpc = useTRPC();
  const saga = useQuery({
    ...trpc.fx.saga.queryOptions({ sagaId }),
    refetchInterval: (query) => sagaRefreshMs(query.state.data ? [query.state.data] : undefined),
  });
  const data = saga.data;
  const tone = data?.status === "COMPLETED" ? "success" : data?.status === "FAILED" ? "error" : "info";
  return (
    <Banner tone={tone} onDismiss={onDismiss}>
      <div className="space-y-1" data-testid="started-saga" data-saga-id={sagaId} data-status={data?.status}>
        <p className="font-medium">{data ? sagaTitle(data) : "Starting…"}</p>
        {data && <SagaProgress saga={data} />}
        {data?.outcome && <p className="text-[12px]">{data.outcome}</p>}
        {saga.isError && <p className="text-[12px]">{saga.error.message} It is also listed below.</p>}
      </div>
    </Banner>
  );
}
