// The fence rows (points_fences), one per (transaction, branch): read under a row lock, written in the same
// transaction as the balance change they guard (dtm's barrier, Seata's tcc_fence_log). The verdicts are in tcc.ts.
import type { PointsReservation, ReservationState } from "@meridian/core/points";
import type { Queryable } from "./database";

export type SettledBy = "coordinator" | "sweep";

export interface FenceRow {
  transaction_id: string;
  branch_id: string;
  account_no: string | null;
  state: ReservationState;
  /** numeric(20,0) as text, as pg reads it. */
  points: string;
  spent: string;
  settled_by: SettledBy | null;
  created_at: Date;
  updated_at: Date;
}

export interface BranchKey {
  transactionId: string;
  branchId: string;
}

const COLUMNS = "transaction_id, branch_id, account_no, state, points, spent, settled_by, created_at, updated_at";

/** The fence row, locked until the transaction ends; null when there is none yet. */
export async function lockFence(tx: Queryable, key: BranchKey): Promise<FenceRow | null> {
  const { rows } = await tx.query<FenceRow>(
    `SELECT ${COLUMNS} FROM points_fences WHERE transaction_id = $1 AND branch_id = $2 FOR UPDATE`,
    [key.transactionId, key.branchId],
  );
  return rows[0] ?? null;
}

/**
 * Inserts the row unless one exists, and returns it only if this call wrote it. The primary key decides a race: a
 * concurrent insert of the same branch waits for ours to commit or roll back, then inserts nothing.
 */
export async function insertFence(
  tx: Queryable,
  fence: BranchKey & { accountNo: string | null; state: ReservationState; points: string; settledBy: SettledBy | null },
): Promise<FenceRow | null> {
  const { rows } = await tx.query<FenceRow>(
    `INSERT INTO points_fences (transaction_id, branch_id, account_no, state, points, settled_by)
     VALUES ($1, $2, $3, $4, $5::numeric, $6)
     ON CONFLICT (transaction_id, branch_id) DO NOTHING
     RETURNING ${COLUMNS}`,
    [fence.transactionId, fence.branchId, fence.accountNo, fence.state, fence.points, fence.settledBy],
  );
  return rows[0] ?? null;
}

/** Ends a TRIED row: CONFIRMED with what was spent, or CANCELLED. */
export async function settleFence(
  tx: Queryable,
  key: BranchKey,
  outcome: { state: "CONFIRMED" | "CANCELLED"; spent: string; settledBy: SettledBy },
): Promise<FenceRow> {
  const { rows } = await tx.query<FenceRow>(
    `UPDATE points_fences SET state = $3, spent = $4::numeric, settled_by = $5, updated_at = now()
     WHERE transaction_id = $1 AND branch_id = $2
     RETURNING ${COLUMNS}`,
    [key.transactionId, key.branchId, outcome.state, outcome.spent, outcome.settledBy],
  );
  return rows[0]!;
}

export function toReservation(row: FenceRow): PointsReservation {
  return {
    transactionId: row.transaction_id,
    branchId: row.branch_id,
    accountNo: row.account_no,
    state: row.state,
    points: row.points,
    spent: row.spent,
    settledBy: row.settled_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
