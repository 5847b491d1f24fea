export { applyExecution, applyExecutions, type ApplyOutcome } from "./applyExecution";
export { LedgerBatcher, type LedgerBatcherOptions } from "./ledgerBatcher";
export { listLateFills, LATE_FILL_KIND } from "./lateFills";
