export { submitOrder, recordSubmitResult, type GatewayDeps } from "./submitOrder";
export { cancelAtBroker, recordCancelResult } from "./cancelAtBroker";
export { handleOrderCommand } from "./handleCommand";
export { listAttention, actOnAttention, type AttentionAction } from "./operatorActions";
export { scheduleDueRetries, reviveAbandonedSubmits } from "./recovery";
export { retryPolicyFromEnv, backoffDelayMs, type RetryPolicy } from "./retryPolicy";
