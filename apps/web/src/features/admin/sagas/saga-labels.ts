// The words and colours of a saga's status and a step's, in one place: the badges, the chart and the filters agree.
import type { SagaStatus } from "../router-types";

export const SAGA_STATUSES = [
  "RUNNING",
  "WAITING",
  "COMPENSATING",
  "COMPLETED",
  "COMPENSATED",
  "FAILED",
  "NEEDS_OPERATOR",
] as const satisfies readonly SagaStatus[];

export const SAGA_STATUS_LABEL: Record<SagaStatus, string> = {
  RUNNING: "Running",
  WAITING: "Waiting",
  COMPENSATING: "Compensating",
  COMPLETED: "Completed",
  COMPENSATED: "Compensated",
  FAILED: "Failed",
  NEEDS_OPERATOR: "Needs operator",
};

// The order badges' palette: working = blue, done well = green, undoing = amber, failed = red, ours to act = solid red.
export const SAGA_STATUS_TONE: Record<SagaStatus, string> = {
  RUNNING: "bg-sky-50 text-sky-700 ring-sky-200",
  WAITING: "bg-blue-50 text-blue-700 ring-blue-200",
  COMPENSATING: "bg-amber-50 text-amber-800 ring-amber-200",
  COMPLETED: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  COMPENSATED: "bg-neutral-100 text-neutral-600 ring-neutral-300",
  FAILED: "bg-rose-50 text-rose-700 ring-rose-200",
  NEEDS_OPERATOR: "bg-red-600 text-white ring-red-700",
};

/** The same colours as chart fills. */
export const SAGA_STATUS_FILL: Record<SagaStatus, string> = {
  RUNNING: "#38bdf8",
  WAITING: "#3b82f6",
  COMPENSATING: "#f59e0b",
  COMPLETED: "#10b981",
  COMPENSATED: "#a3a3a3",
  FAILED: "#f43f5e",
  NEEDS_OPERATOR: "#dc2626",
};

export const SAGA_TYPES = [
  { value: "EXCHANGE", label: "Exchange" },
  { value: "BUY_WITH_WON", label: "Buy with won" },
] as const;

export const sagaTypeLabel = (type: string) => SAGA_TYPES.find((option) => option.value === type)?.label ?? type;

export const STEP_STATUS_TONE: Record<string, string> = {
  STARTED: "bg-sky-50 text-sky-700 ring-sky-200",
  RETRYING: "bg-amber-50 text-amber-800 ring-amber-200",
  DONE: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  FAILED: "bg-rose-50 text-rose-700 ring-rose-200",
  PENDING: "bg-amber-50 text-amber-800 ring-amber-200",
  WAITING_OPERATOR: "bg-red-600 text-white ring-red-700",
  RESOLVED: "bg-neutral-100 text-neutral-700 ring-neutral-300",
};

/** Compensations an operator may retry now or resolve by hand; the server has the last word. */
export const DECIDABLE_STEP: ReadonlySet<string> = new Set(["PENDING", "WAITING_OPERATOR"]);
