// The coordinator of an order's TCC transaction. Everything runs inside the caller's transaction, so the transaction
// record, the fences, the holds and the order change commit together or not at all.
import { randomUUID } from "node:crypto";
import { Prisma, type Order, type TccStatus, type Tx } from "@meridian/db";
import { DomainError } from "../shared/errors";
import type { Decimal } from "../shared/money";
import { insertTriedFences, type Participant } from "./barrier";
import { settleFeePoints } from "./feePoints";
import { participantsOf, type TccParticipant } from "./participants";

/** A participant's Try at the opening of an order's TCC transaction, and what it reserves. */
export interface OpeningTry {
  participant: TccParticipant;
  amount: Decimal;
}

/**
 * Opens the order's TCC transaction and runs Try on each participant: barrier row first, then the reservation. The
 * record and the barrier rows go in one statement; `alongside` lets the caller send other inserts of the same
 * transaction in it too (each a `name AS (INSERT …)` member of its WITH, given the TCC transaction's id), to spare
 * round trips. Recovery settles the
 * transaction if it is still TRYING after `deadlineMs` (TCC_DEADLINE_MS).
 *
 * The barrier still decides: only the participants whose TRIED row was written reserve. No Cancel can have come first
 * here, since nobody else can see the transaction before this transaction commits, but the rows are what Confirm and
 * Cancel go by later.
 *
 * `transactionId` is the caller's when a branch in another service was tried under it first (fee points).
 */
export async function beginTcc(
  tx: Tx,
  order: Pick<Order, "id" | "accountId" | "symbol">,
  deadlineMs: number,
  tries: readonly OpeningTry[],
  alongside: (transactionId: string) => readonly Prisma.Sql[] = () => [],
  transactionId: string = randomUUID(),
): Promise<string> {
  const deadline = new Date(Date.now() + deadlineMs);
  const proceeding = await tx.$queryRaw<{ participant: Participant }[]>`
    WITH opened AS (
      INSERT INTO tcc_transactions (id, order_id, deadline)
      VALUES (${transactionId}::uuid, ${order.id}::uuid, ${deadline}::timestamptz)
      RETURNING id)
    ${Prisma.join(
      alongside(transactionId).map((member) => Prisma.sql`, ${member}`),
      "",
    )}
    ${insertTriedFences(
      transactionId,
      tries.map(({ participant, amount }) => ({ participant: participant.name, amount })),
    )}`;
  const mayProceed = new Set(proceeding.map((row) => row.participant));
  for (const { participant, amount } of tries)
    if (mayProceed.has(participant.name)) await participant.reserve(tx, order, amount);
  return transactionId;
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
 * Cancel of what remains held (TRYING or CONFIRMED → CANCELLED). Either way the fee points branch, which lives in
 * another service, is set to be confirmed with what the fills spent (or cancelled if nothing), and is delivered after
 * this transaction commits. Idempotent.
 */
export async function releaseTcc(
  tx: Tx,
  order: Order,
  outcome: "completed" | "cancelled",
  resolution?: { by: string; reason: string },
): Promise<void> {
  const record = await lockTransaction(tx, order.id);
  if (!record) return;
  if (order.payFeeWithPoints) await settleFeePoints(tx, record.id, order);
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
