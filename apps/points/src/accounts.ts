// Balances (points_accounts) and their entries (points_entries). Every balance change here runs inside the caller's
// transaction, next to the fence or credit row that guards it, so available + held always equals the entries' sum.
import type { PointsBalance } from "@meridian/core/points";
import type { Queryable } from "./database";

interface AccountRow {
  available: string;
  held: string;
}

/** The account's balance, locked until the transaction ends; 0/0 for an account that has no row yet. */
export async function lockBalance(tx: Queryable, accountNo: string): Promise<PointsBalance> {
  const { rows } = await tx.query<AccountRow>(
    "SELECT available, held FROM points_accounts WHERE account_no = $1 FOR UPDATE",
    [accountNo],
  );
  return { accountNo, available: rows[0]?.available ?? "0", held: rows[0]?.held ?? "0" };
}

export async function readBalance(db: Queryable, accountNo: string): Promise<PointsBalance> {
  const { rows } = await db.query<AccountRow>("SELECT available, held FROM points_accounts WHERE account_no = $1", [
    accountNo,
  ]);
  return { accountNo, available: rows[0]?.available ?? "0", held: rows[0]?.held ?? "0" };
}

/**
 * Adds the deltas (either may be negative) to the account, creating its row when missing. The CHECK constraints
 * refuse a negative result, so a bug can fail a transaction but never overdraw.
 */
export async function changeBalance(
  tx: Queryable,
  accountNo: string,
  delta: { available: bigint; held: bigint },
): Promise<void> {
  // Created empty first: an upsert would check its VALUES row (which may hold a negative delta) against the CHECKs.
  await tx.query("INSERT INTO points_accounts (account_no) VALUES ($1) ON CONFLICT (account_no) DO NOTHING", [
    accountNo,
  ]);
  await tx.query(
    `UPDATE points_accounts SET available = available + $2::numeric, held = held + $3::numeric,
       version = version + 1, updated_at = now()
     WHERE account_no = $1`,
    [accountNo, delta.available.toString(), delta.held.toString()],
  );
}

export async function appendSpend(
  tx: Queryable,
  spend: { accountNo: string; spent: bigint; transactionId: string; branchId: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO points_entries (account_no, amount, kind, transaction_id, branch_id, reason)
     VALUES ($1, $2::numeric, 'SPEND', $3, $4, 'commission paid with points')`,
    [spend.accountNo, (-spend.spent).toString(), spend.transactionId, spend.branchId],
  );
}
