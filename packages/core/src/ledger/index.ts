export {
  CASH,
  POINTS,
  holdCash,
  releaseCash,
  holdShares,
  releaseShares,
  holdPoints,
  releasePoints,
  spendHeldPoints,
  settleBuy,
  settleSell,
} from "./balances";
export { accountSummary } from "./accountSummary";
export { accountDetail } from "./accountDetail";
