"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { sagaListInput, type SagaFilters } from "../console-queries";
import { ConsolePage } from "../page-heading";
import { SelectFilter } from "../select-filter";
import { FxReconciliation } from "./fx-reconciliation";
import { SagaCountsChart } from "./saga-counts-chart";
import { SAGA_STATUS_LABEL, SAGA_STATUSES, SAGA_TYPES } from "./saga-labels";
import { SagasGrid } from "./sagas-grid";

const REFRESH_MS = 2000;

/** The Sagas page: how many sagas are in each status, and every saga, filtered by status and type. */
export function SagasOverview() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<SagaFilters>({ status: "", type: "" });
  const counts = useQuery({ ...trpc.admin.sagas.counts.queryOptions(), refetchInterval: REFRESH_MS });
  const sagas = useQuery({
    ...trpc.admin.sagas.list.queryOptions(sagaListInput(filters)),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
  const waiting = (counts.data as Record<string, number> | undefined)?.NEEDS_OPERATOR ?? 0;
  const shown = sagas.data?.length ?? 0;

  return (
    <ConsolePage
      title="Sagas"
      query={sagas}
      status={`${shown} ${shown === 1 ? "saga" : "sagas"} shown · ${waiting} waiting for an operator`}
      explanationTestId="sagas-explanation"
      explanation={
        <>
          Exchanges and buys paid in won run as sagas: each step at the FX desk or the broker, and the compensations
          that undo them when the order cannot finish. A compensation that keeps failing is retried with backoff, then
          waits here for an operator: open the saga to <span className="font-medium text-neutral-800">Retry now</span>{" "}
          or <span className="font-medium text-neutral-800">Resolve by hand</span>.
        </>
      }
    >
      <SagaCountsChart counts={counts.data} />
      <FxReconciliation />
      <section className="panel flex min-h-0 flex-1 flex-col" aria-label="All sagas">
        <div className="flex flex-wrap items-end gap-2 border-b border-neutral-200 px-3 py-2">
          <SelectFilter
            id="saga-filter-status"
            label="Status"
            any="Any status"
            value={filters.status}
            options={SAGA_STATUSES.map((status) => ({ value: status, label: SAGA_STATUS_LABEL[status] }))}
            onChange={(status) => setFilters((current) => ({ ...current, status }))}
          />
          <SelectFilter
            id="saga-filter-type"
            label="Type"
            any="Any type"
            value={filters.type}
            options={SAGA_TYPES}
            onChange={(type) => setFilters((current) => ({ ...current, type }))}
          />
        </div>
        <div className="min-h-0 flex-1 overflow-auto">
          <SagasGrid sagas={sagas.data ?? []} filtered={filters.status !== "" || filters.type !== ""} />
        </div>
      </section>
    </ConsolePage>
  );
}
