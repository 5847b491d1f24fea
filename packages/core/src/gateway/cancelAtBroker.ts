// Asks the broker to cancel a PENDING_CANCEL order. The broker's answer carries its cumulative filled quantity at
// the moment it closed the order; fills still on their way are applied by the ledger, which closes the order when
// they add up. So a fill racing the cancel is never lost and never double-released.
// A "no such order" answer is believed only once no submit of ours can still arrive at the broker: before that, a
// request we gave up on may be on its way, and closing the order now would leave the broker working an order we
// show as cancelled (a ghost). The cancel is asked again instead.
import { BrokerUnavailableError, type CancelResult } from "../broker/port";
import { closeOrder } from "../orders/closeOrder";
import { changeOrder } from "../orders/transition";
import type { CoreServices } from "../services";
import { inAccountTransaction } from "../shared/accountTx";
import { dec } from "../shared/money";
import type { GatewayDeps } from "./submitOrder";

const ACTOR = "gateway";

export async function cancelAtBroker({ services, retryPolicy }: GatewayDeps, orderId: string): Promise<void> {
  const order = await services.prisma.order.findUnique({ where: { id: orderId } });
  if (!order || order.status !== "PENDING_CANCEL") return;
  let result: CancelResult;
  try {
    result = await services.brokers.get(order.brokerId).cancelOrder(order.id);
  } catch (error) {
    if (error instanceof BrokerUnavailableError) {
      // Thrown so the transport redelivers the request after a backoff; the order stays PENDING_CANCEL meanwhile.
      throw new Error(`cancel of ${orderId} not confirmed (${error.reason}); will retry`);
    }
    throw error;
  }
  if (result.outcome === "NOT_FOUND") await refuseWhileSubmitMayArrive(services, orderId, retryPolicy.lateArrivalMs);
  await recordCancelResult(services, orderId, result);
}

/** Thrown (so the transport asks again after a backoff) while the order's last submit may still reach the broker. */
async function refuseWhileSubmitMayArrive(services: CoreServices, orderId: string, lateArrivalMs: number): Promise<void> {
  const lastAttempt = await services.prisma.orderEvent.findFirst({ where: { orderId, kind: "SUBMIT_ATTEMPT" }, orderBy: { id: "desc" }, select: { createdAt: true } });
  if (!lastAttempt) return;
  const waitMs = lastAttempt.createdAt.getTime() + lateArrivalMs - Date.now();
  if (waitMs > 0) {
    throw new Error(`cancel of ${orderId}: the broker has no such order yet, but the last submit may still arrive for ${Math.ceil(waitMs / 1000)} s; will ask again`);
  }
}

export async function recordCancelResult(services: CoreServices, orderId: string, result: CancelResult): Promise<void> {
  const { accountId } = await services.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { accountId: true } });
  await inAccountTransaction(services, accountId, { actor: ACTOR, cause: `broker answered cancel: ${result.outcome}` }, async (tx) => {
    const order = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
    if (order.status !== "PENDING_CANCEL") return;
    if (result.outcome === "NOT_FOUND") {
      // The broker never took the order (it was still unknown): closing it here is safe because the gateway only
      // resubmits PENDING_NEW and UNKNOWN orders.
      await closeOrder(tx, order, "CANCELLED", { kind: "CANCELLED", actor: ACTOR, cause: "the broker has no such order; cancelled here" });
      return;
    }
    const brokerFilled = dec(result.filledQuantity);
    if (result.outcome === "TOO_LATE") {
      await changeOrder(tx, order, {
        kind: "CANCEL_REJECTED",
        actor: ACTOR,
        cause: `broker: ${result.reason}`,
        status: order.filledQuantity.isZero() ? "ACCEPTED" : "PARTIALLY_FILLED",
        detail: { brokerFilledQuantity: result.filledQuantity },
      });
      return;
    }
    if (order.filledQuantity.greaterThanOrEqualTo(brokerFilled)) {
      await closeOrder(tx, order, "CANCELLED", {
        kind: "CANCELLED",
        actor: ACTOR,
        cause: `cancelled at ${order.brokerId} with ${result.filledQuantity} filled`,
        data: { finalFilledQuantity: brokerFilled },
      });
      return;
    }
    await changeOrder(tx, order, {
      kind: "CANCEL_CONFIRMED",
      actor: ACTOR,
      cause: `cancelled at ${order.brokerId}; waiting for fills up to ${result.filledQuantity} (have ${order.filledQuantity.toString()})`,
      data: { finalFilledQuantity: brokerFilled },
    });
  });
}
