// The barrier: one row (in tcc_fences) per (transaction, participant), read and written inside the participant's own transaction
// (dtm's barrier, Seata's tcc_fence_log). It turns retries and out-of-order calls into no-ops:
//   Try     no row → TRIED, proceed          | TRIED/CONFIRMED → duplicate | CANCELLED → suspended (Try after Cancel)
//   Confirm TRIED → CONFIRMED, proceed       | CONFIRMED → duplicate      | CANCELLED or none → refused
//   Cancel  TRIED/CONFIRMED → CANCELLED, proceed | CANCELLED → duplicate | none → CANCELLED row, empty rollback
import { Prisma, type FenceState, type Tx } from "@meridian/db";
import type { Decimal } from "../shared/money";

export type Participant = "CASH" | "SHARES";
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

/**
 * Try's barrier in one statement: insert the TRIED row unless one exists; the insert decides. When it did not insert,
 * the row it met says why: CANCELLED (or a row a concurrent Cancel inserted and our snapshot cannot see yet) is a
 * Try after Cancel, suspended; TRIED or CONFIRMED is a duplicate. Try never changes an existing row, so it needs no
 * row lock.
 */
export async function barrierTry(
  tx: Tx,
  transactionId: string,
  participant: Participant,
  amount: Decimal,
): Promise<BarrierVerdict> {
  const [row] = await tx.$queryRaw<{ proceed: boolean; existing: FenceState | null }[]>`
    WITH tried AS (${insertTriedFences(transactionId, [{ participant, amount }])})
    SELECT EXISTS (SELECT 1 FROM tried) AS proceed,
           (SELECT state FROM tcc_fences WHERE transaction_id = ${transactionId}::uuid AND participant = ${participant}) AS existing`;
  if (row?.proceed) return "proceed";
  return row?.existing === "TRIED" || row?.existing === "CONFIRMED" ? "duplicate" : "suspended";
}

/**
 * The INSERT of Try's barrier rows, for a statement to embed (`WITH tried AS (…)`): it returns the participants whose
 * row it wrote, which are the ones that may proceed to reserve.
 */
export function insertTriedFences(
  transactionId: string,
  tries: readonly { participant: Participant; amount: Decimal }[],
): Prisma.Sql {
  const rows = tries.map(
    ({ participant, amount }) =>
      Prisma.sql`(${transactionId}::uuid, ${participant}, 'TRIED'::"FenceState", ${amount.toString()}::numeric)`,
  );
  return Prisma.sql`
    INSERT INTO tcc_fences (transaction_id, participant, state, amount) VALUES ${Prisma.join(rows)}
    ON CONFLICT DO NOTHING RETURNING participant`;
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
