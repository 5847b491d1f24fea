export { storeExecution, type StoreResult } from "./storeExecution";
export {
  claimedIds,
  recordRefusal,
  refusalCodeOf,
  REFUSAL_CODES,
  REFUSED_BODY_MAX_CHARS,
  type Refusal,
  type RefusalCode,
} from "./refusals";
export {
  countOpenQuarantine,
  listQuarantine,
  LEDGER_REFUSAL_KIND,
  type QuarantineEntry,
  type QuarantineReviewView,
} from "./quarantine";
export {
  ZQuarantineInput,
  ZQuarantineReviewInput,
  QUARANTINE_DEFAULT_LIMIT,
  QUARANTINE_STATUSES,
  type QuarantineStatus,
  type TQuarantineInput,
  type TQuarantineReviewInput,
} from "./quarantine.schema";
export { reviewQuarantineEntry } from "./review";
export { DEFAULT_REFUSED_CALLBACK_RETENTION_DAYS, pruneRefusedCallbacks } from "./retention";
