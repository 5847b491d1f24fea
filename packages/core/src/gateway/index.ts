export { submitOrder, recordBrokerAnswer, type GatewayDeps } from "./submitOrder";
export { cancelAtBroker } from "./cancelAtBroker";
export { handleOrderCommand } from "./handleCommand";
export { listAttention, actOnAttention, type AttentionAction } from "./attention";
export { resolvePendingByOperator } from "./pendingReservations";
export { scheduleDueRetries, reviveAbandonedSubmits } from "./recovery";
export { backoffDelayMs, type RetryPolicy } from "./retryPolicy";
