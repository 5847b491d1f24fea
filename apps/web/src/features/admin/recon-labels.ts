// Words and colours for reconciliation's enums (docs/reconciliation.md). Records over the server's own unions, so a
// class or status added there fails the type check here until it has a label.
import type { ReconItem } from "./router-types";

export type MismatchClass = ReconItem["class"];
export type ItemStatus = ReconItem["status"];
export type ReconFix = ReconItem["proposedFix"];

export const CLASS_LABEL: Record<MismatchClass, string> = {
  MISSING_AT_BROKER: "Missing at broker",
  MISSING_HERE: "Missing here",
  QUANTITY: "Quantity",
  PRICE: "Price",
  STATUS: "Status",
  MISSING_EXECUTION: "Missing execution",
};
export const MISMATCH_CLASSES = Object.keys(CLASS_LABEL) as MismatchClass[];

// Waiting on an operator = amber, done by hand = blue, done by the run = green, turned down = red, replaced = grey.
export const ITEM_STATUS: Record<ItemStatus, { label: string; tone: string }> = {
  PROPOSED: { label: "Proposed", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
  AUTO_APPLIED: { label: "Auto-applied", tone: "bg-emerald-50 text-emerald-700 ring-emerald-200" },
  APPLIED: { label: "Applied", tone: "bg-blue-50 text-blue-700 ring-blue-200" },
  REJECTED: { label: "Rejected", tone: "bg-rose-50 text-rose-700 ring-rose-200" },
  SUPERSEDED: { label: "Superseded", tone: "bg-neutral-100 text-neutral-500 ring-neutral-300" },
};
export const ITEM_STATUSES = Object.keys(ITEM_STATUS) as ItemStatus[];

export const FIX_LABEL: Record<ReconFix, string> = {
  INGEST_EXECUTION: "Ingest execution",
  CLOSE_CANCELLED: "Close as cancelled",
  CLOSE_REJECTED: "Close as rejected",
  MARK_ACCEPTED: "Mark accepted",
  ACKNOWLEDGE: "Acknowledge",
};
