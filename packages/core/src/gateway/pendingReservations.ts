// An operator's decision on the Pending queue: a reservation whose deadline passed while nobody knew whether the
// broker had the order, escalated by recovery (orders/expiredReservations.ts). Both decisions are as safe as the
// machine's own: CONFIRM only when the broker shows the order (its record is then applied as the broker's answer);
// CANCEL asks the broker to cancel first — through the same path as a customer's cancel, which waits out a submit
// that may still land — and the reservation is released when that cancel closes the order.
import type { DbOrTx, Order, Prisma } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import type { BrokerOrderView } from "../broker/port";
import { inAccountTransaction } from "../lock/accountTransaction";
import type { RowState } from "../operator/bulk";
import { heldByOrder, refuse, type Plan } from "../operator/plan";
import { applyBrokerAnswer } from "../orders/brokerAnswers";
import { requestCancel } from "../orders/cancelOrder";
import { isTerminal } from "../orders/status";
import type { CoreServices, OperatorCtx } from "../services";
import { DomainError } from "../shared/errors";
import { answerFromView, askBrokerForDecision } from "./answers";
import type { PendingDecision } from "./pendingReservations.schema";

type TccTransaction = Prisma.TccTransactionGetPayload<object>;

export interface ResolvePendingArgs {
  /** `batchId` when the decision is one row of a bulk decision; the audit row carries it. */
  ctx: OperatorCtx;
  input: { orderId: string; decision: PendingDecision; reason: string };
}

export async function resolvePendingByOperator({ ctx, input }: ResolvePendingArgs): Promise<Order> {
  const { services, actor: operator } = ctx;
  const reason = requireReason(input.reason);
  const found = await services.prisma.order.findUnique({ where: { id: input.orderId }, select: { accountId: true } });
  if (!found) throw new DomainError("NOT_FOUND", "No order with that id. Refresh the Pending queue.");
  return inAccountTransaction(
    services,
    found.accountId,
    { actor: operator, cause: `operator ${input.decision.toLowerCase()}: ${reason}` },
    async (tx) => {
      const record = await tx.tccTransaction.findUnique({ where: { orderId: input.orderId } });
      const order = await tx.order.findUniqueOrThrow({ where: { id: input.orderId } });
      const plan = await planPending(services, record, order, input.decision);
      if (!plan.applicable) throw plan.refusal;
      const resolution = { by: operator, reason };
      const decided = plan.brokerView
        ? await applyBrokerAnswer(tx, order, answerFromView(plan.brokerView), {
            actor: operator,
            via: "operator",
            resolution,
            detail: { brokerStatus: plan.brokerView.status },
          })
        : await requestCancel(tx, order, {
            actor: operator,
            cause: `operator cancel from the Pending queue: ${reason}`,
          });
      // The decision is taken: the reservation leaves the queue, and settles when the order does.
      await tx.tccTransaction.update({
        where: { id: record!.id },
        data: { resolvedBy: operator, resolution: reason, version: { increment: 1 } },
      });
      await recordAudit(tx, {
        actor: operator,
        action: `pending.${input.decision.toLowerCase()}`,
        targetType: "order",
        targetId: order.id,
        reason,
        detail: {
          orderStatus: order.status,
          orderStatusAfter: decided.status,
          tccTransactionId: record!.id,
          ...(ctx.batchId ? { batchId: ctx.batchId } : {}),
        },
      });
      return decided;
    },
  );
}

/**
 * The reservation's state as the bulk preview saw it: its status, whether it is decided, its version, and the order's
 * status (a reservation's row does not change when its order moves, and a decision depends on both).
 */
export async function pendingRowState(db: DbOrTx, orderId: string): Promise<RowState | null> {
  const [record, order] = await Promise.all([
    db.tccTransaction.findUnique({ where: { orderId } }),
    db.order.findUnique({ where: { id: orderId }, select: { status: true } }),
  ]);
  return record && order ? pendingStateOf(record, order) : null;
}

export function pendingStateOf(record: TccTransaction, order: Pick<Order, "status">): RowState {
  const decided = record.resolvedBy ? "-DECIDED" : "";
  return { state: `${record.status}${decided}/${order.status}`, version: record.version };
}

/**
 * What `decision` would do to this reservation now, or why it is refused; a CONFIRM carries the broker's record it
 * will apply. resolvePendingByOperator asks it under the account lock, the bulk preview without.
 */
export async function planPending(
  services: CoreServices,
  record: TccTransaction | null,
  order: Order,
  decision: PendingDecision,
): Promise<Plan<{ brokerView: BrokerOrderView | null }>> {
  if (!record || record.status !== "TRYING" || isTerminal(order.status)) {
    const settled = record?.status.toLowerCase() ?? "settled";
    return refuse(
      `the reservation is already ${settled} (order ${order.status}).`,
      new DomainError(
        "PRECONDITION_FAILED",
        `This order's reservation is already ${settled} (order ${order.status}); nothing was changed. Refresh the Pending queue.`,
      ),
    );
  }
  if (!record.escalatedAt || record.resolvedBy) {
    const why = record.resolvedBy
      ? `was decided by ${record.resolvedBy} ("${record.resolution}")`
      : "was not escalated by recovery: its deadline has not passed, or recovery can still settle it";
    return refuse(
      `this reservation ${why}.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `This reservation ${why}; nothing was changed. Refresh the Pending queue.`,
      ),
    );
  }
  const held = heldByOrder(order);
  if (decision === "CANCEL") {
    const release = held ? `release the ${held} held` : "close the order";
    const willDo =
      order.status === "PENDING_NEW"
        ? `Cancel now (never sent to ${order.brokerId}) and ${release}.`
        : order.status === "PENDING_CANCEL"
          ? `Take it off the queue: a cancel is already on its way to ${order.brokerId}.`
          : `Ask ${order.brokerId} to cancel, and ${release} when it confirms.`;
    return { applicable: true, willDo, brokerView: null };
  }
  const asked = await askBrokerForDecision(services.brokers.get(order.brokerId), order, "Try again shortly.");
  if ("refused" in asked) return asked.refused;
  const view = asked.view;
  if (view === "cannot-ask")
    return refuse(
      `${order.brokerId} cannot be asked about orders; run reconciliation, or cancel instead.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `${order.brokerId} cannot be asked about orders; nothing was changed. Run reconciliation, or cancel the order instead.`,
      ),
    );
  if (!view)
    return refuse(
      `${order.brokerId} has no such order, so it cannot be confirmed; cancel it instead.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `${order.brokerId} has no such order, so it cannot be confirmed; nothing was changed. Cancel it instead.`,
      ),
    );
  return {
    applicable: true,
    willDo: `Apply ${order.brokerId}'s record of the order (${view.status}, ${view.filledQuantity} filled) and take it off the queue.`,
    brokerView: view,
  };
}
