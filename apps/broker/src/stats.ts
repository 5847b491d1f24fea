export interface BrokerStats {
  /** Broker orders made (accepted or rejected): one per distinct clientOrderId. */
  ordersCreated: number;
  ordersRejected: number;
  /** Submits whose clientOrderId was already known: answered with the original result, no new order. */
  duplicateSubmits: number;
  /** Webhook deliveries the receiver acknowledged with 2xx (a duplicated execution counts twice). */
  executionsSent: number;
  /** Failed delivery attempts: network error, timeout, or non-2xx answer. */
  webhookFailures: number;
  /** Executions given up on after the last retry. */
  webhooksAbandoned: number;
  /** Deliveries queued or in flight right now (held by the reorder fault not included). */
  deliveriesPending: number;
}

export function emptyStats(): BrokerStats {
  return {
    ordersCreated: 0,
    ordersRejected: 0,
    duplicateSubmits: 0,
    executionsSent: 0,
    webhookFailures: 0,
    webhooksAbandoned: 0,
    deliveriesPending: 0,
  };
}
