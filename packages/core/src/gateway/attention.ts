// The attention queue: orders whose outcome the gateway could not learn (UNKNOWN, NEEDS_ATTENTION). An operator can
// retry now with the same order id, mark it rejected, or cancel it through the broker. Marking rejected is as careful
// as the machine: under the account lock (no submit can start meanwhile), only once no earlier submit can still
// reach the broker, and only when the broker's own record (lookup or daily report) shows no such order. Every action
// needs a reason and is audited.
import type { DbOrTx, Order } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import { inAccountTransaction } from "../lock/accountTransaction";
import { applyBrokerAnswer } from "../orders/brokerAnswers";
import { requestCancel } from "../orders/cancelOrder";
import { writeOrderCommand } from "../orders/commands";
import { changeOrder } from "../orders/lifecycle";
import type { RowState } from "../operator/bulk";
import { heldByOrder, refuse, type Plan, type Refused } from "../operator/plan";
import type { CoreServices, OperatorCtx } from "../services";
import { DomainError } from "../shared/errors";
import { askBrokerForDecision } from "./answers";
import type { AttentionAction } from "./attention.schema";
import { submitMayArriveForMs } from "./lateArrival";

export type { AttentionAction } from "./attention.schema";

const ATTENTION = new Set(["UNKNOWN", "NEEDS_ATTENTION"]);

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
  /** `batchId` when the decision is one row of a bulk decision; the audit row carries it. */
  ctx: OperatorCtx;
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
      const plan = await planAttention(tx, services, order, input.action);
      if (!plan.applicable) throw plan.refusal;
      await recordAudit(tx, {
        actor: operator,
        action: `attention.${input.action.toLowerCase()}`,
        targetType: "order",
        targetId: order.id,
        reason,
        detail: {
          status: order.status,
          attempts: order.submitAttempts,
          ...(ctx.batchId ? { batchId: ctx.batchId } : {}),
        },
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
          await writeOrderCommand(tx, { kind: "RetrySubmit", orderId: order.id, brokerId: order.brokerId });
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

/** The order's state as the bulk preview saw it: its status and version. */
export async function attentionRowState(db: DbOrTx, orderId: string): Promise<RowState | null> {
  const order = await db.order.findUnique({ where: { id: orderId }, select: { status: true, version: true } });
  return order && { state: order.status, version: order.version };
}

/**
 * What `action` would do to this order now, or why it is refused. actOnAttention asks it under the account lock; the
 * bulk preview asks it without the lock, so its answer may be overtaken, which the apply step's state check catches.
 */
export async function planAttention(
  db: DbOrTx,
  services: CoreServices,
  order: Order,
  action: AttentionAction,
): Promise<Plan> {
  if (!ATTENTION.has(order.status)) {
    return refuse(
      `this order is ${order.status}, not waiting for an operator.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `This order is ${order.status}, not waiting for an operator; nothing was changed. Refresh the attention queue.`,
      ),
    );
  }
  const held = heldByOrder(order);
  switch (action) {
    case "RETRY":
      return { applicable: true, willDo: `Submit again to ${order.brokerId} with the same order id.` };
    case "REJECT": {
      const refused = await brokerLacksOrder(db, services, order, services.retryPolicy.lateArrivalMs);
      if (refused) return refused;
      return {
        applicable: true,
        willDo: held ? `Mark rejected and release ${held} held.` : "Mark rejected; nothing is held.",
      };
    }
    case "CANCEL":
      return {
        applicable: true,
        willDo: `Ask ${order.brokerId} to cancel; ${held ? `the ${held} held is released` : "the order closes"} when it confirms.`,
      };
  }
}

/**
 * Marking an order rejected is only safe if the broker does not have it and cannot still get it. Runs under the
 * account lock, so no retry of ours can start between this check and the close. An answer lost after the broker took
 * the order leaves no trace here but the broker's own record, so the broker must say it has no such order: by lookup,
 * else by its daily report. A broker that can say neither cannot prove it, and the order is cancelled instead.
 */
async function brokerLacksOrder(
  db: DbOrTx,
  services: CoreServices,
  order: Order,
  lateArrivalMs: number,
): Promise<Refused | null> {
  const waitMs = await submitMayArriveForMs(db, order, lateArrivalMs);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return refuse(
      `the last submit may still reach ${order.brokerId} for ${seconds} s.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `The last submit of this order may still reach ${order.brokerId} for ${seconds} s; nothing was changed. Mark it rejected after that, or cancel it instead.`,
      ),
    );
  }
  const executions = await db.executionReceipt.count({ where: { orderId: order.id } });
  if (executions > 0) {
    return refuse(
      `${order.brokerId} has sent executions for this order — it traded.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `${order.brokerId} has sent ${executions} execution(s) for this order, so it traded and cannot be marked rejected; nothing was changed. Use Retry now to record the broker's answer.`,
      ),
    );
  }
  const asked = await askBrokerForDecision(
    services.brokers.get(order.brokerId),
    order,
    "Try again when it answers, or cancel the order instead.",
  );
  if ("refused" in asked) return asked.refused;
  const found = asked.view;
  if (found === "cannot-ask") {
    return refuse(
      `${order.brokerId} cannot be asked about orders, so nothing proves it lacks this one; cancel it instead.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `${order.brokerId} cannot be asked about orders, so nothing proves it lacks this one; nothing was changed. Cancel the order instead: the broker's answer to the cancel settles it.`,
      ),
    );
  }
  if (found && found.status !== "REJECTED") {
    return refuse(
      `${order.brokerId} has this order (${found.status}); retry to record its answer.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `${order.brokerId} has this order (${found.status}); it cannot be marked rejected. Use Retry now to record the broker's answer.`,
      ),
    );
  }
  return null;
}
