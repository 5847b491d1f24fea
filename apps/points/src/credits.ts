// Credits (a reward, the demo seed): idempotent by their key. The entry's unique credit_key decides a race between
// two deliveries of the same credit; the loser reads the winner's entry and compares terms.
import type { PointsBalance, PointsCreditRequest } from "@meridian/core/points";
import type pg from "pg";
import { changeBalance, readBalance } from "./accounts";
import { inTransaction, type Queryable } from "./database";
import { PointsRefusal } from "./refusal";

export function credit(pool: pg.Pool, accountNo: string, request: PointsCreditRequest): Promise<PointsBalance> {
  const points = BigInt(request.points);
  return inTransaction(pool, async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO points_entries (account_no, amount, kind, credit_key, reason) VALUES ($1, $2::numeric, 'CREDIT', $3, $4)
       ON CONFLICT (credit_key) DO NOTHING`,
      [accountNo, points.toString(), request.key, request.reason],
    );
    if (inserted.rowCount === 1) await changeBalance(tx, accountNo, { available: points, held: 0n });
    else await assertSameCredit(tx, accountNo, request.key, points);
    return readBalance(tx, accountNo);
  });
}

async function assertSameCredit(tx: Queryable, accountNo: string, key: string, points: bigint): Promise<void> {
  const { rows } = await tx.query<{ account_no: string; amount: string }>(
    "SELECT account_no, amount FROM points_entries WHERE credit_key = $1",
    [key],
  );
  const earlier = rows[0]!;
  if (earlier.account_no !== accountNo || BigInt(earlier.amount) !== points) {
    throw new PointsRefusal(
      "TERMS_CONFLICT",
      `credit key "${key}" was used for ${earlier.amount} points on ${earlier.account_no}: use a new key for another credit`,
    );
  }
}
