// What the service shows of its fences: one branch, and the report of every row changed since an instant (what
// Meridian's reconciliation compares with its own TCC records).
import type { PointsReservation } from "@meridian/core/points";
import type { Queryable } from "./database";
import { toReservation, type BranchKey, type FenceRow } from "./fence";

export const REPORT_LIMIT = 5000;

const COLUMNS = "transaction_id, branch_id, account_no, state, points, spent, settled_by, created_at, updated_at";

export async function findReservation(db: Queryable, key: BranchKey): Promise<PointsReservation | null> {
  const { rows } = await db.query<FenceRow>(
    `SELECT ${COLUMNS} FROM points_fences WHERE transaction_id = $1 AND branch_id = $2`,
    [key.transactionId, key.branchId],
  );
  return rows[0] ? toReservation(rows[0]) : null;
}

/** Oldest first, at most REPORT_LIMIT rows: a reader pages on by asking again from the last row's updatedAt. */
export async function reservationsSince(db: Queryable, since: Date): Promise<PointsReservation[]> {
  const { rows } = await db.query<FenceRow>(
    `SELECT ${COLUMNS} FROM points_fences WHERE updated_at >= $1
     ORDER BY updated_at, transaction_id, branch_id LIMIT ${REPORT_LIMIT}`,
    [since],
  );
  return rows.map(toReservation);
}
