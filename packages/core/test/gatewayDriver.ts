// Drives the gateway by hand in domain tests: places orders and hands their outbox commands to the gateway's handler
// in order, as the transports would, so a test can script each broker answer and step through a history.
import { BrokerUnavailableError } from "../src/broker/port";
import { handleOrderCommand } from "../src/gateway/handleCommand";
import type { GatewayDeps } from "../src/gateway/submitOrder";
import { ORDER_COMMANDS_TOPICS, type OutboxMessage } from "../src/messaging/topics";
import { resolveExpiredTcc } from "../src/orders/expiredReservations";
import { placeOrder } from "../src/orders/placeOrder";
import { ZPlaceOrderInput } from "../src/orders/placeOrder.schema";
import type { AccountRef } from "../src/services";
import type { Harness } from "./harness";

export function gatewayDriver(h: Harness, account: AccountRef) {
  const deps = (): GatewayDeps => ({ services: h.services, retryPolicy: h.services.retryPolicy });

  /** Hands every unconsumed command of `orderId` to the gateway, oldest first; a command whose handler throws stays. */
  async function deliverCommands(orderId: string): Promise<{ handled: number; failed: string[] }> {
    const rows = await h.db.prisma.outboxEvent.findMany({
      where: { key: orderId, topic: { in: [...ORDER_COMMANDS_TOPICS] }, consumedAt: null },
      orderBy: { seq: "asc" },
    });
    const failed: string[] = [];
    for (const row of rows) {
      const message: OutboxMessage = {
        id: row.id,
        topic: row.topic,
        key: row.key,
        eventType: row.eventType,
        payload: row.payload,
      };
      try {
        await handleOrderCommand(deps(), message);
      } catch (error) {
        failed.push((error as Error).message);
        break; // later commands of the key wait behind this one
      }
      await h.db.prisma.outboxEvent.update({ where: { id: row.id }, data: { consumedAt: new Date() } });
    }
    return { handled: rows.length - failed.length, failed };
  }

  async function place(input: Record<string, unknown> = {}) {
    return placeOrder({
      ctx: { services: h.services, account, actor: "test" },
      input: ZPlaceOrderInput.parse({
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        quantity: "1",
        limitPrice: "100.00",
        ...input,
      }),
    });
  }

  /** Placed and accepted by the (scripted) broker. */
  async function placeAccepted(input: Record<string, unknown> = {}) {
    const order = await place(input);
    await deliverCommands(order.id);
    return h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
  }

  /** Placed, and its submit timed out: UNKNOWN (or NEEDS_ATTENTION once attempts run out). */
  async function placeUnanswered(input: Record<string, unknown> = {}) {
    const accept = h.broker.nextSubmit;
    h.broker.nextSubmit = async () => {
      throw new BrokerUnavailableError(h.broker.brokerId, "TIMEOUT", "no answer within the timeout (scripted)");
    };
    try {
      const order = await place(input);
      await deliverCommands(order.id);
      return h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    } finally {
      h.broker.nextSubmit = accept;
    }
  }

  const order = (orderId: string) => h.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
  const events = (orderId: string) => h.db.prisma.orderEvent.findMany({ where: { orderId }, orderBy: { id: "asc" } });

  /** The order's reservation deadline has passed and recovery ran: an unknown outcome is escalated to operators. */
  async function escalate<T extends { id: string }>(order: T): Promise<T> {
    await h.db.prisma.tccTransaction.update({
      where: { orderId: order.id },
      data: { deadline: new Date(Date.now() - 1000) },
    });
    await resolveExpiredTcc(h.services);
    return order;
  }

  /** The broker accepts, cancels and knows of nothing; no late-arrival wait. Tests script other answers per case. */
  function answerPlainly(): void {
    h.broker.nextSubmit = async (request) => ({ outcome: "ACCEPTED", brokerOrderId: `B-${request.clientOrderId}` });
    h.broker.nextCancel = async () => ({ outcome: "CANCELLED", brokerOrderId: "B", filledQuantity: "0" });
    h.broker.nextLookup = async () => null;
    h.services.retryPolicy.lateArrivalMs = 0;
  }

  return { deps, deliverCommands, place, placeAccepted, placeUnanswered, order, events, escalate, answerPlainly };
}

/** A broker's record of an order, as its lookup answers. */
export function brokerView(
  clientOrderId: string,
  status: "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELLED" | "REJECTED" | "EXPIRED",
  filledQuantity = "0",
) {
  return {
    clientOrderId,
    brokerOrderId: `B-${clientOrderId}`,
    symbol: "AAPL",
    side: "BUY" as const,
    type: "LIMIT" as const,
    quantity: "1",
    limitPrice: "100.00",
    status,
    filledQuantity,
    executions: [],
    createdAt: new Date().toISOString(),
  };
}
