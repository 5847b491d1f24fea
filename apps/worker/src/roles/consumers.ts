import {
  handleOrderCommand,
  LedgerBatcher,
  ORDER_COMMANDS_TOPICS,
  orderCommandsTopic,
  TOPICS,
  type CoreServices,
  type RetryPolicy,
  type Transport,
} from "@meridian/core";

/**
 * The gateway role: sends orders, retries and cancels to the brokers — to each broker in `brokerIds` (every broker by
 * default, WORKER_ROLES `gateway:<brokerId>` for some). Each broker's topic has a consumer of its own, with its own
 * lanes and claims (and, on Kafka, its own group), so a broker that answers slowly fills only its own lanes and never
 * delays another broker's orders.
 */
export function runGateway(
  services: CoreServices,
  transport: Transport,
  retryPolicy: RetryPolicy,
  signal: AbortSignal,
  brokerIds?: readonly string[],
): Promise<void> {
  const topics = brokerIds ? brokerIds.map(orderCommandsTopic) : ORDER_COMMANDS_TOPICS;
  return Promise.all(
    topics.map((topic) =>
      transport.consume(
        { role: "gateway", topic, handler: (message) => handleOrderCommand({ services, retryPolicy }, message) },
        signal,
      ),
    ),
  ).then(() => undefined);
}

/**
 * The ledger role: applies stored executions to orders, cash and holdings, exactly once (the inbox row commits with
 * the effect), each account's executions in flight together in one transaction (LedgerBatcher).
 */
export function runLedger(services: CoreServices, transport: Transport, signal: AbortSignal): Promise<void> {
  const batcher = new LedgerBatcher(services);
  return transport.consume(
    {
      role: "ledger",
      topic: TOPICS.executions,
      handler: async (message) => {
        await batcher.applyMessage(message.payload as { receiptId: string; accountId?: string });
      },
    },
    signal,
  );
}
