// The coordinator of an order's TCC transaction. Everything runs inside the caller's transaction, so the transaction
// record, the fences, the holds and the order change commit together or not at all.
import type { Order, TccStatus, Tx } from "@meridian/db";
import { DomainError } from "../shared/errors";
import { participantsOf } from "./participants";

/**
 * Opens the order's TCC transaction; recovery settles it if it is still TRYING after `deadlineMs` (TCC_DEADLINE_MS).
 */
export async function beginTcc(tx: Tx, orderId: string, deadlineMs: number): Promise<string> {
  const record = await tx.tccTransaction.create({ data: { orderId, deadline: new Date(Date.now() + deadlineMs) } });
  return record.id;
}

async function lockTransaction(tx: Tx, orderId: string) {
  const rows = await tx.$queryRaw<{ id: string; status: TccStatus }[]>`
    SELECT id, status FROM tcc_transactions WHERE order_id = ${orderId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

async function setStatus(
  tx: Tx,
  id: string,
  status: TccStatus,
  resolution?: { by: string; reason: string },
): Promise<void> {
  await tx.tccTransaction.update({
    where: { id },
    data: {
      status,
      version: { increment: 1 },
      ...(resolution ? { resolvedBy: resolution.by, resolution: resolution.reason } : {}),
    },
  });
}

/** The broker accepted the order (or filled it): the reservations now belong to it. Idempotent. */
export async function confirmTcc(tx: Tx, order: Order, resolution?: { by: string; reason: string }): Promise<void> {
  const record = await lockTransaction(tx, order.id);
  if (!record || record.status === "CONFIRMED") return;
  if (record.status === "CANCELLED")
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This order's reservation was already cancelled; it cannot be confirmed.",
    );
  for (const participant of participantsOf(order)) await participant.confirm(tx, record.id);
  await setStatus(tx, record.id, "CONFIRMED", resolution);
}

/**
 * Settles the reservation of an order that is closing. Completed by fills: Confirm (if the fills came before the
 * broker's answer) and give back the unused rest; the transaction stays CONFIRMED. Rejected, cancelled or expired:
 * Cancel of what remains held (TRYING or CONFIRMED → CANCELLED). Idempotent.
 */
export async function releaseTcc(
  tx: Tx,
  order: Order,
  outcome: "completed" | "cancelled",
  resolution?: { by: string; reason: string },
): Promise<void> {
  const record = await lockTransaction(tx, order.id);
  if (!record) return;
  if (outcome === "completed") {
    if (record.status === "TRYING") await confirmTcc(tx, order);
    if (record.status !== "CANCELLED")
      for (const participant of participantsOf(order)) await participant.releaseRemainder(tx, order);
    if (resolution) await setStatus(tx, record.id, "CONFIRMED", resolution);
    return;
  }
  for (const participant of participantsOf(order)) await participant.cancel(tx, record.id, order);
  if (record.status !== "CANCELLED" || resolution) await setStatus(tx, record.id, "CANCELLED", resolution);
}
