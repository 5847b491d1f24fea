export { recordAudit, requireReason, type OperatorAction } from "./audit";
export { ZAuditReason, type TAuditReason } from "./reason";
export { readHistory, orderHistory, accountHistory, type HistoryEntry } from "./history";
