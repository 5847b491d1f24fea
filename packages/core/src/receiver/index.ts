export { storeExecution, ZBrokerExecution, type TBrokerExecution, type StoreResult } from "./storeExecution";
export { claimedIds, recordRefusal, refusalCodeOf, REFUSAL_CODES, REFUSED_BODY_MAX_CHARS, type Refusal, type RefusalCode } from "./refusals";
export { listQuarantine, LEDGER_REFUSAL_KIND, type QuarantineEntry } from "./quarantine";
export { ZQuarantineInput, QUARANTINE_DEFAULT_LIMIT, type TQuarantineInput } from "./quarantine.schema";
