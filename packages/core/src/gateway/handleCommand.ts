import type { OutboxMessage } from "../messaging/topics";
import { readOrderCommand } from "../orders/commands";
import { cancelAtBroker } from "./cancelAtBroker";
import { lookupBeforeRetry, recordBrokerAnswer, submitOrder, type GatewayDeps } from "./submitOrder";

/** The gateway's consumer of the order-commands topic. */
export async function handleOrderCommand(deps: GatewayDeps, message: OutboxMessage): Promise<void> {
  const command = readOrderCommand(message);
  if (!command) {
    deps.services.logger.warn(
      { eventType: message.eventType, eventId: message.id },
      "unreadable order command ignored",
    );
    return;
  }
  switch (command.kind) {
    case "OrderPlaced":
      return submitOrder(deps, command.orderId);
    case "RetrySubmit":
      return retrySubmit(deps, command.orderId);
    case "CancelRequested":
      return cancelAtBroker(deps, command.orderId);
  }
}

/** Where the broker can look orders up by our id, ask first and resubmit only if it has none. */
async function retrySubmit(deps: GatewayDeps, orderId: string): Promise<void> {
  const order = await deps.services.prisma.order.findUnique({ where: { id: orderId } });
  if (!order || order.status !== "UNKNOWN") return;
  const known = await lookupBeforeRetry(deps.services.brokers.get(order.brokerId), orderId).catch(() => null);
  if (known) await recordBrokerAnswer(deps.services, order, known);
  else await submitOrder(deps, orderId);
}
