export { recordAudit, requireReason, type OperatorAction } from "./audit";
export { readHistory, orderHistory, accountHistory, type HistoryEntry } from "./history";
