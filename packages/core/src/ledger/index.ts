export { CASH, POINTS, holdCash, releaseCash, holdShares, releaseShares, settleBuy, settleSell } from "./balances";
export { accountSummary } from "./accountSummary";
export { accountDetail } from "./accountDetail";
