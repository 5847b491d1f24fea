import type { OutboxMessage } from "../messaging/topics";
import { cancelAtBroker } from "./cancelAtBroker";
import { lookupBeforeRetry, recordSubmitResult, submitOrder, type GatewayDeps } from "./submitOrder";

/** The gateway's consumer of the order-commands topic. */
export async function handleOrderCommand(deps: GatewayDeps, message: OutboxMessage): Promise<void> {
  const { orderId } = message.payload as { orderId: string };
  switch (message.eventType) {
    case "OrderPlaced":
      return submitOrder(deps, orderId);
    case "RetrySubmit":
      return retrySubmit(deps, orderId);
    case "CancelRequested":
      return cancelAtBroker(deps, orderId);
    default:
      deps.services.logger.warn({ eventType: message.eventType, orderId }, "unknown order command ignored");
  }
}

/** Where the broker can look orders up by our id, ask first and resubmit only if it has none (the notes). */
async function retrySubmit(deps: GatewayDeps, orderId: string): Promise<void> {
  const order = await deps.services.prisma.order.findUnique({ where: { id: orderId } });
  if (!order || order.status !== "UNKNOWN") return;
  const known = await lookupBeforeRetry(deps.services.brokers.get(order.brokerId), orderId).catch(() => null);
  if (known) await recordSubmitResult(deps.services, order, known);
  else await submitOrder(deps, orderId);
}
