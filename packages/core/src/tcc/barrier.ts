// The barrier: one row (in tcc_fences) per (transaction, participant), read and written inside the participant's own transaction
// (dtm's barrier, Seata's tcc_fence_log). It turns retries and out-of-order calls into no-ops:
//   Try     no row → TRIED, proceed          | TRIED/CONFIRMED → duplicate | CANCELLED → suspended (Try after Cancel)
//   Confirm TRIED → CONFIRMED, proceed       | CONFIRMED → duplicate      | CANCELLED or none → refused
//   Cancel  TRIED/CONFIRMED → CANCELLED, proceed | CANCELLED → duplicate | none → CANCELLED row, empty rollback
import type { FenceState, Tx } from "@meridian/db";
import type { Decimal } from "../shared/money";

export type Participant = "CASH" | "SHARES" | "POINTS";
export type BarrierVerdict = "proceed" | "duplicate" | "suspended" | "empty-rollback" | "refused";

async function lockFence(tx: Tx, transactionId: string, participant: Participant): Promise<FenceState | null> {
  const rows = await tx.$queryRaw<{ state: FenceState }[]>`
    SELECT state FROM tcc_fences WHERE transaction_id = ${transactionId}::uuid AND participant = ${participant} FOR UPDATE`;
  return rows[0]?.state ?? null;
}

async function insertFence(
  tx: Tx,
  transactionId: string,
  participant: Participant,
  state: FenceState,
  amount: Decimal | number,
): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO tcc_fences (transaction_id, participant, state, amount) VALUES (${transactionId}::uuid, ${participant}, ${state}::"FenceState", ${amount.toString()}::numeric)
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

async function setFence(tx: Tx, transactionId: string, participant: Participant, state: FenceState): Promise<void> {
  await tx.$executeRaw`
    UPDATE tcc_fences SET state = ${state}::"FenceState", updated_at = now() WHERE transaction_id = ${transactionId}::uuid AND participant = ${participant}`;
}

export async function barrierTry(
  tx: Tx,
  transactionId: string,
  participant: Participant,
  amount: Decimal,
): Promise<BarrierVerdict> {
  const state = await lockFence(tx, transactionId, participant);
  if (state === "CANCELLED") return "suspended";
  if (state) return "duplicate";
  // A concurrent Cancel may have inserted its empty-rollback row since the read: the insert decides.
  return (await insertFence(tx, transactionId, participant, "TRIED", amount)) ? "proceed" : "suspended";
}

export async function barrierConfirm(tx: Tx, transactionId: string, participant: Participant): Promise<BarrierVerdict> {
  const state = await lockFence(tx, transactionId, participant);
  if (state === "CONFIRMED") return "duplicate";
  if (state !== "TRIED") return "refused";
  await setFence(tx, transactionId, participant, "CONFIRMED");
  return "proceed";
}

export async function barrierCancel(tx: Tx, transactionId: string, participant: Participant): Promise<BarrierVerdict> {
  const state = await lockFence(tx, transactionId, participant);
  if (state === "CANCELLED") return "duplicate";
  if (state === null) {
    await insertFence(tx, transactionId, participant, "CANCELLED", 0);
    return "empty-rollback";
  }
  await setFence(tx, transactionId, participant, "CANCELLED");
  return "proceed";
}
