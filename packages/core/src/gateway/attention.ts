// The attention queue: orders whose outcome the gateway could not learn (UNKNOWN, NEEDS_ATTENTION). An operator can
// retry now with the same order id, mark it rejected, or cancel it through the broker. Marking rejected is as careful
// as the machine: under the account lock (no submit can start meanwhile), only once no earlier submit can still
// reach the broker, and only when the broker's own record (lookup or daily report) shows no such order. Every action
// needs a reason and is audited.
import type { Order, Tx } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import { inAccountTransaction } from "../lock/accountTransaction";
import { applyBrokerAnswer } from "../orders/brokerAnswers";
import { requestCancel } from "../orders/cancelOrder";
import { writeOrderCommand } from "../orders/commands";
import { changeOrder } from "../orders/lifecycle";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import { askBroker } from "./answers";
import { submitMayArriveForMs } from "./lateArrival";
import type { RetryPolicy } from "./retryPolicy";

const ATTENTION = new Set(["UNKNOWN", "NEEDS_ATTENTION"]);

export type AttentionAction = "RETRY" | "REJECT" | "CANCEL";

export async function listAttention(services: CoreServices) {
  const orders = await services.prisma.order.findMany({
    where: { status: { in: ["UNKNOWN", "NEEDS_ATTENTION"] } },
    include: {
      account: { select: { accountNo: true } },
      events: {
        where: { kind: { in: ["SUBMIT_ATTEMPT", "OUTCOME_UNKNOWN", "GAVE_UP", "RETRY_SCHEDULED", "OPERATOR_RETRY"] } },
        orderBy: { id: "asc" },
      },
    },
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
    attempts: order.events.map((event) => ({
      kind: event.kind,
      cause: event.cause,
      at: event.createdAt.toISOString(),
    })),
  }));
}

export interface ActOnAttentionArgs {
  ctx: { services: CoreServices; actor: string; retryPolicy: Pick<RetryPolicy, "lateArrivalMs"> };
  input: { orderId: string; action: AttentionAction; reason: string };
}

export async function actOnAttention({ ctx, input }: ActOnAttentionArgs): Promise<Order> {
  const { services, actor: operator } = ctx;
  const reason = requireReason(input.reason);
  const found = await services.prisma.order.findUnique({ where: { id: input.orderId } });
  if (!found) throw new DomainError("NOT_FOUND", "No order with that id. Refresh the attention queue.");
  return inAccountTransaction(
    services,
    found.accountId,
    { actor: operator, cause: `operator ${input.action.toLowerCase()}: ${reason}` },
    async (tx) => {
      const order = await tx.order.findUniqueOrThrow({ where: { id: input.orderId } });
      if (!ATTENTION.has(order.status)) {
        throw new DomainError(
          "PRECONDITION_FAILED",
          `This order is ${order.status}, not waiting for an operator; nothing was changed. Refresh the attention queue.`,
        );
      }
      if (input.action === "REJECT") await assertBrokerLacksOrder(tx, services, order, ctx.retryPolicy.lateArrivalMs);
      await recordAudit(tx, {
        actor: operator,
        action: `attention.${input.action.toLowerCase()}`,
        targetType: "order",
        targetId: order.id,
        reason,
        detail: { status: order.status, attempts: order.submitAttempts },
      });
      switch (input.action) {
        case "RETRY": {
          const retried = await changeOrder(tx, order, {
            kind: "OPERATOR_RETRY",
            actor: operator,
            cause: reason,
            status: "UNKNOWN",
            data: { nextAttemptAt: null },
          });
          await writeOrderCommand(tx, { kind: "RetrySubmit", orderId: order.id });
          return retried;
        }
        case "REJECT":
          return applyBrokerAnswer(
            tx,
            order,
            { kind: "REJECTED", reason: `marked rejected by operator: ${reason}` },
            { actor: operator, via: "operator" },
          );
        case "CANCEL":
          return requestCancel(tx, order, { actor: operator, cause: reason });
      }
    },
  );
}

/**
 * Marking an order rejected is only safe if the broker does not have it and cannot still get it. Runs under the
 * account lock, so no retry of ours can start between this check and the close. An answer lost after the broker took
 * the order leaves no trace here but the broker's own record, so the broker must say it has no such order: by lookup,
 * else by its daily report. A broker that can say neither cannot prove it, and the order is cancelled instead.
 */
async function assertBrokerLacksOrder(
  tx: Tx,
  services: CoreServices,
  order: Order,
  lateArrivalMs: number,
): Promise<void> {
  const waitMs = await submitMayArriveForMs(tx, order, lateArrivalMs);
  if (waitMs > 0) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `The last submit of this order may still reach ${order.brokerId} for ${Math.ceil(waitMs / 1000)} s; nothing was changed. Mark it rejected after that, or cancel it instead.`,
    );
  }
  const executions = await tx.executionReceipt.count({ where: { orderId: order.id } });
  if (executions > 0) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${order.brokerId} has sent ${executions} execution(s) for this order, so it traded and cannot be marked rejected; nothing was changed. Use Retry now to record the broker's answer.`,
    );
  }
  const found = await askBroker(services.brokers.get(order.brokerId), order).catch((error: Error) => {
    throw new DomainError(
      "SERVICE_UNAVAILABLE",
      `Could not ask ${order.brokerId} about this order (${error.message}); nothing was changed. Try again when it answers, or cancel the order instead.`,
    );
  });
  if (found === "cannot-ask") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${order.brokerId} cannot be asked about orders, so nothing proves it lacks this one; nothing was changed. Cancel the order instead: the broker's answer to the cancel settles it.`,
    );
  }
  if (found && found.status !== "REJECTED") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${order.brokerId} has this order (${found.status}); it cannot be marked rejected. Use Retry now to record the broker's answer.`,
    );
  }
}
