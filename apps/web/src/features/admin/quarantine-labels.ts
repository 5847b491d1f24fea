// Words and colours for the Quarantine's reason codes, sources and review statuses. A record over the server's own
// union, so a code added there fails the type check here until it has a label.
import type { QuarantineEntry, QuarantineStatus } from "./router-types";

export type QuarantineReasonCode = QuarantineEntry["reasonCode"];

// Possibly hostile = red, broken or inconsistent = amber, addressed to nothing we know = grey, refused by the ledger =
// violet.
export const REASON_CODE: Record<QuarantineReasonCode, { meaning: string; tone: string }> = {
  SIGNATURE: {
    meaning: "missing, wrong or stale signature: not proven to come from the broker",
    tone: "bg-rose-50 text-rose-700 ring-rose-200",
  },
  MALFORMED: {
    meaning: "the body is not a valid execution (e.g. a zero or negative quantity)",
    tone: "bg-amber-50 text-amber-800 ring-amber-200",
  },
  MISMATCH: {
    meaning: "side or symbol differs from the order's, or an execution id already stored with other terms",
    tone: "bg-amber-50 text-amber-800 ring-amber-200",
  },
  UNKNOWN_ORDER: {
    meaning: "no such order was sent to this broker",
    tone: "bg-neutral-100 text-neutral-700 ring-neutral-300",
  },
  UNKNOWN_BROKER: {
    meaning: "no broker with this id is configured",
    tone: "bg-neutral-100 text-neutral-700 ring-neutral-300",
  },
  EXECUTION_REFUSED: {
    meaning:
      "stored, then refused by the ledger: it would overfill the order (a fill for a closed order is booked as a late fill instead)",
    tone: "bg-violet-50 text-violet-700 ring-violet-200",
  },
};
export const REASON_CODES = Object.keys(REASON_CODE) as QuarantineReasonCode[];

export const SOURCE_LABEL: Record<QuarantineEntry["source"], string> = { RECEIVER: "Receiver", LEDGER: "Ledger" };
/** What one entry is, in a sentence. */
export const ENTRY_NOUN: Record<QuarantineEntry["source"], string> = {
  RECEIVER: "refused callback",
  LEDGER: "ledger refusal",
};

export const STATUS_OPTIONS = [
  { value: "open", label: "Open" },
  { value: "reviewed", label: "Reviewed" },
  { value: "all", label: "All" },
] as const satisfies readonly { value: QuarantineStatus; label: string }[];
