// An operator's decision on the Pending queue: a reservation whose deadline passed while nobody knew whether the
// broker had the order, escalated by recovery (orders/expiredReservations.ts). Both decisions are as safe as the
// machine's own: CONFIRM only when the broker shows the order (its record is then applied as the broker's answer);
// CANCEL asks the broker to cancel first — through the same path as a customer's cancel, which waits out a submit
// that may still land — and the reservation is released when that cancel closes the order.
import type { Order } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import { inAccountTransaction } from "../lock/accountTransaction";
import { applyBrokerAnswer } from "../orders/brokerAnswers";
import { requestCancel } from "../orders/cancelOrder";
import { isTerminal } from "../orders/status";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import { answerFromView, askBroker } from "./answers";

export interface ResolvePendingArgs {
  ctx: { services: CoreServices; actor: string };
  input: { orderId: string; decision: "CONFIRM" | "CANCEL"; reason: string };
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
      if (!record || record.status !== "TRYING" || isTerminal(order.status)) {
        throw new DomainError(
          "PRECONDITION_FAILED",
          `This order's reservation is already ${record?.status.toLowerCase() ?? "settled"} (order ${order.status}); nothing was changed. Refresh the Pending queue.`,
        );
      }
      if (!record.escalatedAt || record.resolvedBy) {
        const why = record.resolvedBy
          ? `was decided by ${record.resolvedBy} ("${record.resolution}")`
          : "was not escalated by recovery: its deadline has not passed, or recovery can still settle it";
        throw new DomainError(
          "PRECONDITION_FAILED",
          `This reservation ${why}; nothing was changed. Refresh the Pending queue.`,
        );
      }
      const resolution = { by: operator, reason };
      let decided: Order;
      if (input.decision === "CONFIRM") {
        const view = await askBroker(services.brokers.get(order.brokerId), order).catch((error: Error) => {
          throw new DomainError(
            "SERVICE_UNAVAILABLE",
            `Could not ask ${order.brokerId} about this order (${error.message}); nothing was changed. Try again shortly.`,
          );
        });
        if (view === "cannot-ask")
          throw new DomainError(
            "PRECONDITION_FAILED",
            `${order.brokerId} cannot be asked about orders; nothing was changed. Run reconciliation, or cancel the order instead.`,
          );
        if (!view)
          throw new DomainError(
            "PRECONDITION_FAILED",
            `${order.brokerId} has no such order, so it cannot be confirmed; nothing was changed. Cancel it instead.`,
          );
        decided = await applyBrokerAnswer(tx, order, answerFromView(view), {
          actor: operator,
          via: "operator",
          resolution,
          detail: { brokerStatus: view.status },
        });
      } else {
        decided = await requestCancel(tx, order, {
          actor: operator,
          cause: `operator cancel from the Pending queue: ${reason}`,
        });
      }
      // The decision is taken: the reservation leaves the queue, and settles when the order does.
      await tx.tccTransaction.update({
        where: { id: record.id },
        data: { resolvedBy: operator, resolution: reason, version: { increment: 1 } },
      });
      await recordAudit(tx, {
        actor: operator,
        action: `pending.${input.decision.toLowerCase()}`,
        targetType: "order",
        targetId: order.id,
        reason,
        detail: { orderStatus: order.status, orderStatusAfter: decided.status, tccTransactionId: record.id },
      });
      return decided;
    },
  );
}
