import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@meridian/core/trpc";

type Outputs = inferRouterOutputs<AppRouter>;
export type AdminOrder = Outputs["admin"]["orders"]["list"][number];
export type AdminStats = Outputs["admin"]["stats"];
export type AdminOrderDetail = Outputs["admin"]["orders"]["detail"];
export type AdminOrdersFilter = inferRouterInputs<AppRouter>["admin"]["orders"]["list"];
export type TccRecord = NonNullable<AdminOrderDetail["tcc"]>;
export type HistoryEntry = AdminOrderDetail["history"][number];
export type PendingOrder = Outputs["admin"]["pending"]["list"][number];
export type AdminAccountDetail = Outputs["admin"]["accounts"]["detail"];
export type AccountLedgerEntry = AdminAccountDetail["ledgerEntries"][number];
export type AttentionOrder = Outputs["admin"]["attention"]["list"][number];
export type AttentionAction = inferRouterInputs<AppRouter>["admin"]["attention"]["act"]["action"];
export type BrokerOverview = Outputs["admin"]["brokers"]["overview"][number];
export type BrokerFaults = NonNullable<BrokerOverview["faults"]>;
export type ReconRun = Outputs["admin"]["recon"]["runs"][number];
export type ReconItem = Outputs["admin"]["recon"]["items"][number];
export type QuarantineEntry = Outputs["admin"]["quarantine"]["list"][number];
export type QuarantineStatus = NonNullable<Exclude<inferRouterInputs<AppRouter>["admin"]["quarantine"]["list"], void>["status"]>;
export type InvariantsReport = Outputs["admin"]["invariants"]["list"];
export type InvariantViolation = InvariantsReport["open"][number];
export type InvariantChecker = NonNullable<InvariantsReport["checker"]>;

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
