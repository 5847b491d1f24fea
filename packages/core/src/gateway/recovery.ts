// Orders whose outcome is unknown get a retry command on schedule (through the same topic as submits and cancels, so
// the gateway handles one order's commands one at a time), and orders left SUBMITTING by a worker that died mid-call
// are turned back into UNKNOWN so they are retried too.
import { inAccountTransaction } from "../lock/accountTransaction";
import { writeOrderCommand } from "../orders/commands";
import { changeOrder } from "../orders/lifecycle";
import type { CoreServices } from "../services";

export async function scheduleDueRetries(services: CoreServices, limit = 50): Promise<number> {
  const due = await services.prisma.order.findMany({
    where: { status: "UNKNOWN", nextAttemptAt: { lte: new Date() } },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
  });
  for (const candidate of due) {
    await inAccountTransaction(
      services,
      candidate.accountId,
      { actor: "recovery", cause: "retry of an unknown outcome" },
      async (tx) => {
        const order = await tx.order.findUniqueOrThrow({ where: { id: candidate.id } });
        if (order.status !== "UNKNOWN" || !order.nextAttemptAt || order.nextAttemptAt > new Date()) return;
        await changeOrder(tx, order, {
          kind: "RETRY_SCHEDULED",
          actor: "recovery",
          cause: `retry ${order.submitAttempts + 1} queued`,
          data: { nextAttemptAt: null },
        });
        await writeOrderCommand(tx, { kind: "RetrySubmit", orderId: order.id, brokerId: order.brokerId });
      },
    );
  }
  return due.length;
}

/** A SUBMITTING order older than `abandonedMs` has lost its worker (the broker call itself times out much sooner). */
export async function reviveAbandonedSubmits(services: CoreServices, abandonedMs: number): Promise<number> {
  const stuck = await services.prisma.order.findMany({
    where: { status: "SUBMITTING", updatedAt: { lt: new Date(Date.now() - abandonedMs) } },
    take: 50,
  });
  for (const candidate of stuck) {
    await inAccountTransaction(
      services,
      candidate.accountId,
      { actor: "recovery", cause: "submit abandoned by a stopped worker" },
      async (tx) => {
        const order = await tx.order.findUniqueOrThrow({ where: { id: candidate.id } });
        if (order.status !== "SUBMITTING") return;
        await changeOrder(tx, order, {
          kind: "OUTCOME_UNKNOWN",
          actor: "recovery",
          cause: "the submitting worker stopped before the broker answered; retrying with the same order id",
          status: "UNKNOWN",
          data: { nextAttemptAt: new Date() },
        });
      },
    );
  }
  return stuck.length;
}
