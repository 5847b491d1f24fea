// Asks the broker to cancel a PENDING_CANCEL order and hands its answer to orders/ (brokerAnswers.ts): cancelled
// (fills still in flight complete the order later), too late (read for the broker's status: filled, cancelled,
// rejected), or "no such order". The last is believed only once no submit of ours can still arrive at the broker
// (lateArrival.ts): before that, closing the order would leave the broker working an order we show as cancelled.
import type { OrderStatus } from "@meridian/db";
import { BrokerUnavailableError } from "../broker/port";
import type { CoreServices } from "../services";
import { answerFromCancel, NOT_AT_BROKER } from "./answers";
import { submitMayArriveForMs } from "./lateArrival";
import { recordBrokerAnswer, type GatewayDeps } from "./submitOrder";

export async function cancelAtBroker({ services, retryPolicy }: GatewayDeps, orderId: string): Promise<void> {
  const order = await services.prisma.order.findUnique({ where: { id: orderId } });
  if (!order || order.status !== "PENDING_CANCEL") return;
  const broker = services.brokers.get(order.brokerId);
  try {
    const result = await broker.cancelOrder(order.id);
    if (result.outcome === "NOT_FOUND") {
      await refuseWhileSubmitMayArrive(services, order, retryPolicy.lateArrivalMs);
      await recordBrokerAnswer(services, order, NOT_AT_BROKER);
      return;
    }
    await recordBrokerAnswer(services, order, await answerFromCancel(broker, order.id, result));
  } catch (error) {
    if (error instanceof BrokerUnavailableError) {
      // Thrown so the transport redelivers the request after a backoff; the order stays PENDING_CANCEL meanwhile.
      throw new Error(`cancel of ${orderId} not confirmed (${error.reason}); will retry`);
    }
    throw error;
  }
}

/** Thrown (so the transport asks again after a backoff) while the order's last submit may still reach the broker. */
async function refuseWhileSubmitMayArrive(
  services: CoreServices,
  order: { id: string; status: OrderStatus },
  lateArrivalMs: number,
): Promise<void> {
  const waitMs = await submitMayArriveForMs(services.prisma, order, lateArrivalMs);
  if (waitMs > 0) {
    throw new Error(
      `cancel of ${order.id}: the broker has no such order yet, but the last submit may still arrive for ${Math.ceil(waitMs / 1000)} s; will ask again`,
    );
  }
}
