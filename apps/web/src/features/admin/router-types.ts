// The console's view of the API: types inferred from the tRPC router, so the screens never restate a shape.
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
export type QuarantineStatus = NonNullable<
  Exclude<inferRouterInputs<AppRouter>["admin"]["quarantine"]["list"], void>["status"]
>;
export type InvariantsReport = Outputs["admin"]["invariants"]["list"];
export type InvariantViolation = InvariantsReport["open"][number];
export type InvariantChecker = NonNullable<InvariantsReport["checker"]>;
