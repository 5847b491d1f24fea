export const ORDER_STATUSES = [
  "PENDING_NEW",
  "SUBMITTING",
  "ACCEPTED",
  "PARTIALLY_FILLED",
  "FILLED",
  "UNKNOWN",
  "PENDING_CANCEL",
  "CANCELLED",
  "REJECTED",
  "EXPIRED",
  "NEEDS_ATTENTION",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const STATUS_LABEL: Record<OrderStatus, string> = {
  PENDING_NEW: "Pending",
  SUBMITTING: "Submitting",
  ACCEPTED: "Accepted",
  PARTIALLY_FILLED: "Partially filled",
  FILLED: "Filled",
  UNKNOWN: "Unknown",
  PENDING_CANCEL: "Cancelling",
  CANCELLED: "Cancelled",
  REJECTED: "Rejected",
  EXPIRED: "Expired",
  NEEDS_ATTENTION: "Needs attention",
};

// Working = blue family, done well = green, waiting on us = amber, failed = red, closed = grey.
export const STATUS_CLASS: Record<OrderStatus, string> = {
  PENDING_NEW: "bg-slate-100 text-slate-700 ring-slate-300",
  SUBMITTING: "bg-sky-50 text-sky-700 ring-sky-200",
  ACCEPTED: "bg-blue-50 text-blue-700 ring-blue-200",
  PARTIALLY_FILLED: "bg-teal-50 text-teal-700 ring-teal-200",
  FILLED: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  UNKNOWN: "bg-amber-50 text-amber-800 ring-amber-200",
  PENDING_CANCEL: "bg-amber-50 text-amber-700 ring-amber-200",
  CANCELLED: "bg-neutral-100 text-neutral-600 ring-neutral-300",
  REJECTED: "bg-rose-50 text-rose-700 ring-rose-200",
  EXPIRED: "bg-neutral-100 text-neutral-500 ring-neutral-300",
  NEEDS_ATTENTION: "bg-red-600 text-white ring-red-700",
};

/** Statuses a customer may still try to cancel; the server has the last word. */
export const CANCELLABLE: ReadonlySet<string> = new Set([
  "PENDING_NEW",
  "SUBMITTING",
  "ACCEPTED",
  "PARTIALLY_FILLED",
  "UNKNOWN",
]);
