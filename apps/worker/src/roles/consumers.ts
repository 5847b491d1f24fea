import {
  handleOrderCommand,
  LedgerBatcher,
  TOPICS,
  type CoreServices,
  type RetryPolicy,
  type Transport,
} from "@meridian/core";

/** The gateway role: sends orders, retries and cancels to the brokers. */
export function runGateway(
  services: CoreServices,
  transport: Transport,
  retryPolicy: RetryPolicy,
  signal: AbortSignal,
): Promise<void> {
  return transport.consume(
    {
      role: "gateway",
      topic: TOPICS.orderCommands,
      handler: (message) => handleOrderCommand({ services, retryPolicy }, message),
    },
    signal,
  );
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
