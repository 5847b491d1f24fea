// Pending cleanup (seed 004): a TCC transaction still TRYING past its deadline is settled from what we know of its
// order; what cannot be decided here goes to the operators' Pending queue, where a person confirms or cancels it with
// a reason.
import type { Order } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import { closeOrder } from "../orders/closeOrder";
import { isTerminal } from "../orders/status";
import { changeOrder } from "../orders/transition";
import type { CoreServices } from "../services";
import { inAccountTransaction } from "../shared/accountTx";
import { DomainError } from "../shared/errors";
import { confirmTcc } from "./coordinator";

const ACTOR = "recovery";
/** The broker has the order: its reservation belongs to it. */
const ACCEPTED_STATES = new Set(["ACCEPTED", "PARTIALLY_FILLED", "FILLED"]);
/** Nobody knows whether the broker has it: only a person (or reconciliation) can say. */
const UNDECIDABLE_STATES = new Set(["SUBMITTING", "UNKNOWN", "NEEDS_ATTENTION", "PENDING_CANCEL"]);

export type ExpiredOutcome = "confirmed" | "expired" | "escalated" | "already-settled";

export async function resolveExpiredTcc(services: CoreServices, limit = 50): Promise<Record<ExpiredOutcome, number>> {
  const counts: Record<ExpiredOutcome, number> = { confirmed: 0, expired: 0, escalated: 0, "already-settled": 0 };
  const expired = await services.prisma.tccTransaction.findMany({
    where: { status: "TRYING", deadline: { lt: new Date() }, escalatedAt: null },
    orderBy: { deadline: "asc" },
    take: limit,
  });
  for (const record of expired) {
    const { accountId } = await services.prisma.order.findUniqueOrThrow({ where: { id: record.orderId }, select: { accountId: true } });
    const outcome = await inAccountTransaction(services, accountId, { actor: ACTOR, cause: "TCC deadline passed" }, async (tx) => {
      const current = await tx.tccTransaction.findUniqueOrThrow({ where: { id: record.id } });
      if (current.status !== "TRYING" || current.escalatedAt) return "already-settled" as const;
      const order = await tx.order.findUniqueOrThrow({ where: { id: record.orderId } });
      if (ACCEPTED_STATES.has(order.status)) {
        await confirmTcc(tx, order, { by: ACTOR, reason: `order is ${order.status}` });
        return "confirmed" as const;
      }
      if (order.status === "PENDING_NEW") {
        // Never sent: the gateway only sends PENDING_NEW orders after a CAS this change makes miss.
        await closeOrder(tx, order, "EXPIRED", { kind: "EXPIRED", actor: ACTOR, cause: "not sent to the broker before the reservation deadline", resolution: { by: ACTOR, reason: "never sent" } });
        return "expired" as const;
      }
      if (isTerminal(order.status)) {
        await closeOrder(tx, order, order.status as "CANCELLED", { kind: "RESERVATION_RELEASED", actor: ACTOR, cause: "reservation left open by a closed order" });
        return "already-settled" as const;
      }
      if (UNDECIDABLE_STATES.has(order.status)) {
        await tx.tccTransaction.update({ where: { id: record.id }, data: { escalatedAt: new Date(), version: { increment: 1 } } });
        await changeOrder(tx, order, { kind: "ESCALATED", actor: ACTOR, cause: `reservation deadline passed while the order is ${order.status}; waiting for an operator` });
        return "escalated" as const;
      }
      return "already-settled" as const;
    });
    counts[outcome]++;
  }
  return counts;
}

export interface ResolvePendingInput {
  orderId: string;
  decision: "CONFIRM" | "CANCEL";
  reason: string;
}

/**
 * An operator's decision on a pending order: CONFIRM = the broker has it (the order becomes ACCEPTED and keeps its
 * reservation); CANCEL = the broker does not (the order is cancelled and everything it reserved goes back).
 */
export async function resolvePendingByOperator(services: CoreServices, operator: string, input: ResolvePendingInput): Promise<Order> {
  const reason = requireReason(input.reason);
  const found = await services.prisma.order.findUnique({ where: { id: input.orderId }, select: { accountId: true } });
  if (!found) throw new DomainError("NOT_FOUND", "No order with that id. Refresh the Pending queue.");
  return inAccountTransaction(services, found.accountId, { actor: operator, cause: `operator ${input.decision.toLowerCase()}: ${reason}` }, async (tx) => {
    const record = await tx.tccTransaction.findUnique({ where: { orderId: input.orderId } });
    const order = await tx.order.findUniqueOrThrow({ where: { id: input.orderId } });
    if (!record || record.status !== "TRYING" || isTerminal(order.status)) {
      throw new DomainError("PRECONDITION_FAILED", `This order's reservation is already ${record?.status.toLowerCase() ?? "settled"} (order ${order.status}); nothing was changed. Refresh the Pending queue.`);
    }
    await recordAudit(tx, { actor: operator, action: `pending.${input.decision.toLowerCase()}`, targetType: "order", targetId: order.id, reason, detail: { orderStatus: order.status, tccTransactionId: record.id } });
    const resolution = { by: operator, reason };
    if (input.decision === "CONFIRM") {
      await confirmTcc(tx, order, resolution);
      return changeOrder(tx, order, { kind: "OPERATOR_CONFIRMED", actor: operator, cause: reason, status: ACCEPTED_STATES.has(order.status) ? undefined : "ACCEPTED", data: { nextAttemptAt: null } });
    }
    return closeOrder(tx, order, "CANCELLED", { kind: "OPERATOR_CANCELLED", actor: operator, cause: reason, resolution, data: { statusReason: `cancelled by operator: ${reason}` } });
  });
}
