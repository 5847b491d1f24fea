// The console's query inputs: list sizes, the filters each list opens on, and the one input a page and its prefetch
// share so they read one cache entry.
import type { AdminOrdersFilter, QuarantineStatus, ReconItem, SagaListFilter, SagaStatus } from "./router-types";

/** How many of the newest reconciliation runs the report lists. */
export const RECON_RUNS_LIMIT = 20;
/** The reconciliation items list opens on what waits for a decision. */
export const RECON_ITEMS_INITIAL_STATUS = "PROPOSED" satisfies ReconItem["status"];

/** How many of the newest refusals the Quarantine loads. */
export const QUARANTINE_LIMIT = 200;
/** The Quarantine opens on what waits for an operator's review. */
export const QUARANTINE_INITIAL_STATUS = "open" satisfies QuarantineStatus;
/** The Quarantine's query input, shared by the page and its prefetch so they read one cache entry. */
export function quarantineInput(status: QuarantineStatus) {
  return { limit: QUARANTINE_LIMIT, status };
}

/** How many of the newest orders the console loads; filters narrow on the server, so older ones are a filter away. */
export const ADMIN_ORDERS_LIMIT = 500;

export type ConsoleFilters = { status: string; symbol: string; accountNo: string; brokerId: string };

/** Filters as the query wants them: trimmed, empty ones left out. */
export function toQueryInput(filters: ConsoleFilters) {
  const clean = (value: string) => value.trim() || undefined;
  return {
    status: clean(filters.status),
    symbol: clean(filters.symbol)?.toUpperCase(),
    accountNo: clean(filters.accountNo),
    brokerId: clean(filters.brokerId),
    limit: ADMIN_ORDERS_LIMIT,
  } as AdminOrdersFilter;
}

export function filtersFromSearchParams(params: Record<string, string | string[] | undefined>): ConsoleFilters {
  const one = (key: string) => {
    const value = params[key];
    return typeof value === "string" ? value : "";
  };
  return { status: one("status"), symbol: one("symbol"), accountNo: one("accountNo"), brokerId: one("brokerId") };
}

/** How many of the newest sagas the Sagas page loads; the status and type filters narrow on the server. */
export const SAGAS_LIMIT = 200;
export type SagaFilters = { status: SagaStatus | ""; type: string };
/** The Sagas list's query input, shared by the page and its prefetch so they read one cache entry. */
export function sagaListInput(filters: SagaFilters): SagaListFilter {
  return {
    limit: SAGAS_LIMIT,
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.type ? { type: filters.type } : {}),
  };
}
