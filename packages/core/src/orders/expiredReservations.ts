// Pending cleanup: a TCC transaction still TRYING past its deadline is settled from what we know of its order; what
// cannot be decided here goes to the operators' Pending queue (gateway/pendingReservations.ts), where a person
// confirms or cancels it with a reason.
import { closeOrder } from "./closeOrder";
import { isTerminal } from "./status";
import { changeOrder } from "./lifecycle";
import type { CoreServices } from "../services";
import { inAccountTransaction } from "../lock/accountTransaction";
import { confirmTcc } from "../tcc/coordinator";

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
    const { accountId } = await services.prisma.order.findUniqueOrThrow({
      where: { id: record.orderId },
      select: { accountId: true },
    });
    const outcome = await inAccountTransaction(
      services,
      accountId,
      { actor: ACTOR, cause: "TCC deadline passed" },
      async (tx) => {
        const current = await tx.tccTransaction.findUniqueOrThrow({ where: { id: record.id } });
        if (current.status !== "TRYING" || current.escalatedAt) return "already-settled" as const;
        const order = await tx.order.findUniqueOrThrow({ where: { id: record.orderId } });
        if (ACCEPTED_STATES.has(order.status)) {
          await confirmTcc(tx, order, { by: ACTOR, reason: `order is ${order.status}` });
          return "confirmed" as const;
        }
        if (order.status === "PENDING_NEW") {
          // Never sent: the gateway only sends PENDING_NEW orders after a CAS this change makes miss.
          await closeOrder(tx, order, "EXPIRED", {
            kind: "EXPIRED",
            actor: ACTOR,
            cause: "not sent to the broker before the reservation deadline",
            resolution: { by: ACTOR, reason: "never sent" },
          });
          return "expired" as const;
        }
        if (isTerminal(order.status)) {
          await closeOrder(tx, order, order.status as "CANCELLED", {
            kind: "RESERVATION_RELEASED",
            actor: ACTOR,
            cause: "reservation left open by a closed order",
          });
          return "already-settled" as const;
        }
        if (UNDECIDABLE_STATES.has(order.status)) {
          await tx.tccTransaction.update({
            where: { id: record.id },
            data: { escalatedAt: new Date(), version: { increment: 1 } },
          });
          await changeOrder(tx, order, {
            kind: "ESCALATED",
            actor: ACTOR,
            cause: `reservation deadline passed while the order is ${order.status}; waiting for an operator`,
          });
          return "escalated" as const;
        }
        return "already-settled" as const;
      },
    );
    counts[outcome]++;
  }
  return counts;
}
