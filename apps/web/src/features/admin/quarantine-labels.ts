// Words and colours for the Quarantine's reason codes. A record over the server's own union, so a code added there
// fails the type check here until it has a label.
import type { QuarantineEntry } from "./types";

export type QuarantineReasonCode = QuarantineEntry["reasonCode"];

// Possibly hostile = red, broken or inconsistent = amber, addressed to nothing we know = grey, refused by the ledger = violet.
export const REASON_CODE: Record<QuarantineReasonCode, { meaning: string; tone: string }> = {
  SIGNATURE: { meaning: "missing, wrong or stale signature: not proven to come from the broker", tone: "bg-rose-50 text-rose-700 ring-rose-200" },
  MALFORMED: { meaning: "the body is not a valid execution (e.g. a zero or negative quantity)", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
  MISMATCH: { meaning: "side or symbol differs from the order's, or an execution id already stored with other terms", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
  UNKNOWN_ORDER: { meaning: "no such order was sent to this broker", tone: "bg-neutral-100 text-neutral-700 ring-neutral-300" },
  UNKNOWN_BROKER: { meaning: "no broker with this id is configured", tone: "bg-neutral-100 text-neutral-700 ring-neutral-300" },
  EXECUTION_REFUSED: { meaning: "stored, then refused by the ledger: it would overfill the order, or the order was already closed", tone: "bg-violet-50 text-violet-700 ring-violet-200" },
};
export const REASON_CODES = Object.keys(REASON_CODE) as QuarantineReasonCode[];
