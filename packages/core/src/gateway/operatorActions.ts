// The attention queue: orders whose outcome the gateway could not learn (UNKNOWN, NEEDS_ATTENTION). An operator can
// retry now with the same order id, mark it rejected (where the broker can be asked, only after it confirms it has no
// such order), or cancel it through the broker. Every action needs a reason and is audited.
import type { Order } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import { TOPICS } from "../messaging/topics";
import { writeOutbox } from "../messaging/outbox";
import { closeOrder } from "../orders/closeOrder";
import { changeOrder } from "../orders/transition";
import type { CoreServices } from "../services";
import { inAccountTransaction } from "../shared/accountTx";
import { DomainError } from "../shared/errors";

const ATTENTION = new Set(["UNKNOWN", "NEEDS_ATTENTION"]);

export type AttentionAction = "RETRY" | "REJECT" | "CANCEL";

export async function listAttention(services: CoreServices) {
  const orders = await services.prisma.order.findMany({
    where: { status: { in: ["UNKNOWN", "NEEDS_ATTENTION"] } },
    include: { account: { select: { accountNo: true } }, events: { where: { kind: { in: ["SUBMIT_ATTEMPT", "OUTCOME_UNKNOWN", "GAVE_UP", "RETRY_SCHEDULED", "OPERATOR_RETRY"] } }, orderBy: { id: "asc" } } },
    orderBy: { updatedAt: "asc" },
  });
  return orders.map((order) => ({
    orderId: order.id,
    accountNo: order.account.accountNo,
    brokerId: order.brokerId,
    symbol: order.symbol,
    side: order.side,
    quantity: order.quantity.toString(),
    status: order.status,
    statusReason: order.statusReason,
    submitAttempts: order.submitAttempts,
    nextAttemptAt: order.nextAttemptAt?.toISOString() ?? null,
    updatedAt: order.updatedAt.toISOString(),
    attempts: order.events.map((event) => ({ kind: event.kind, cause: event.cause, at: event.createdAt.toISOString() })),
  }));
}

export async function actOnAttention(services: CoreServices, operator: string, input: { orderId: string; action: AttentionAction; reason: string }): Promise<Order> {
  const reason = requireReason(input.reason);
  const found = await services.prisma.order.findUnique({ where: { id: input.orderId } });
  if (!found) throw new DomainError("NOT_FOUND", "No order with that id. Refresh the attention queue.");
  if (input.action === "REJECT") await assertBrokerLacksOrder(services, found);
  return inAccountTransaction(services, found.accountId, { actor: operator, cause: `operator ${input.action.toLowerCase()}: ${reason}` }, async (tx) => {
    const order = await tx.order.findUniqueOrThrow({ where: { id: input.orderId } });
    if (!ATTENTION.has(order.status)) {
      throw new DomainError("PRECONDITION_FAILED", `This order is ${order.status}, not waiting for an operator; nothing was changed. Refresh the attention queue.`);
    }
    await recordAudit(tx, { actor: operator, action: `attention.${input.action.toLowerCase()}`, targetType: "order", targetId: order.id, reason, detail: { status: order.status, attempts: order.submitAttempts } });
    switch (input.action) {
      case "RETRY": {
        const retried = await changeOrder(tx, order, { kind: "OPERATOR_RETRY", actor: operator, cause: reason, status: "UNKNOWN", data: { nextAttemptAt: null } });
        await writeOutbox(tx, { topic: TOPICS.orderCommands, key: order.id, eventType: "RetrySubmit", payload: { orderId: order.id } });
        return retried;
      }
      case "REJECT":
        return closeOrder(tx, order, "REJECTED", { kind: "OPERATOR_REJECTED", actor: operator, cause: reason, data: { statusReason: `marked rejected by operator: ${reason}` } });
      case "CANCEL": {
        const pending = await changeOrder(tx, order, { kind: "CANCEL_REQUESTED", actor: operator, cause: reason, status: "PENDING_CANCEL", data: { nextAttemptAt: null } });
        await writeOutbox(tx, { topic: TOPICS.orderCommands, key: order.id, eventType: "CancelRequested", payload: { orderId: order.id } });
        return pending;
      }
    }
  });
}

/** Marking an order rejected is only safe if the broker does not have it; ask where the broker can be asked. */
async function assertBrokerLacksOrder(services: CoreServices, order: Order): Promise<void> {
  const broker = services.brokers.get(order.brokerId);
  if (!broker.capabilities.lookupByClientOrderId) return; // the operator's word (and reconciliation) must do
  const found = await broker.lookupOrder(order.id).catch((error: Error) => {
    throw new DomainError("SERVICE_UNAVAILABLE", `Could not ask ${order.brokerId} about this order (${error.message}). Try again, or retry the order instead.`);
  });
  if (found && found.status !== "REJECTED") {
    throw new DomainError("PRECONDITION_FAILED", `${order.brokerId} has this order (${found.status}); it cannot be marked rejected. Use Retry now to record the broker's answer.`);
  }
}
