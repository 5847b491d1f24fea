export { recordAudit, requireReason, withStepUp, type OperatorAction } from "./audit";
export { ZAuditReason, type TAuditReason } from "./reason";
export { readHistory, orderHistory, accountHistory, type HistoryEntry } from "./history";
