export { CASH, POINTS, holdCash, releaseCash, holdShares, releaseShares, holdPoints, releasePoints, spendHeldPoints, settleBuy, settleSell } from "./balances";
export { findLedgerViolations } from "./invariants";
export { applyExecution } from "./applyExecution";
export { accountSummary } from "./accountSummary";
export { accountDetail } from "./accountDetail";
