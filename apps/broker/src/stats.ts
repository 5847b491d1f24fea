import type { LoadStats } from "./capacity";

/** What GET /brokers/:id/stats answers: the broker's counters, and its load as its capacity model measures it. */
export interface BrokerStats extends Readonly<LoadStats> {
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

/**
 * Counters at zero. The load figures are getters over `load`, read whenever the stats are (JSON.stringify included),
 * so the one object the broker and its webhook delivery count into also answers the stats route.
 */
export function emptyStats(load: { stats(): LoadStats }): BrokerStats {
  return {
    ordersCreated: 0,
    ordersRejected: 0,
    duplicateSubmits: 0,
    executionsSent: 0,
    webhookFailures: 0,
    webhooksAbandoned: 0,
    deliveriesPending: 0,
    get callsPerSecond() {
      return load.stats().callsPerSecond;
    },
    get maxCallsPerSecond() {
      return load.stats().maxCallsPerSecond;
    },
    get maxConcurrent() {
      return load.stats().maxConcurrent;
    },
    get overCapacityRejections() {
      return load.stats().overCapacityRejections;
    },
  };
}
