// The service's invariants, checked by GET /invariants and after every test. Each query returns the rows that break
// its rule; an empty list everywhere means the balances, the holds, the spends and the fences agree.
import type { Queryable } from "./database";

export type InvariantCode = "BALANCE_NE_ENTRIES" | "HELD_NE_TRIED" | "SPENT_NE_ENTRIES" | "NEGATIVE";

export interface InvariantViolation {
  code: InvariantCode;
  accountNo: string | null;
  message: string;
}

interface ViolationRow {
  account_no: string | null;
  message: string;
}

/** available + held = the sum of the account's entries (credits minus spends). */
const BALANCE_NE_ENTRIES = `
  SELECT coalesce(a.account_no, e.account_no) AS account_no,
         format('available %s + held %s <> entries %s', coalesce(a.available, 0), coalesce(a.held, 0), coalesce(e.total, 0)) AS message
  FROM points_accounts a
  FULL JOIN (SELECT account_no, sum(amount) AS total FROM points_entries GROUP BY account_no) e USING (account_no)
  WHERE coalesce(a.available, 0) + coalesce(a.held, 0) <> coalesce(e.total, 0)`;

/** held = the points of the account's TRIED fences. */
const HELD_NE_TRIED = `
  SELECT coalesce(a.account_no, f.account_no) AS account_no,
         format('held %s <> TRIED reservations %s', coalesce(a.held, 0), coalesce(f.total, 0)) AS message
  FROM points_accounts a
  FULL JOIN (SELECT account_no, sum(points) AS total FROM points_fences WHERE state = 'TRIED' GROUP BY account_no) f
    USING (account_no)
  WHERE coalesce(a.held, 0) <> coalesce(f.total, 0)`;

/**
 * A CONFIRMED fence that spent something has exactly one SPEND entry of −spent, on its account, with its
 * (transaction, branch); one that spent nothing has none; and no SPEND entry exists without a CONFIRMED fence.
 */
const SPENT_NE_ENTRIES = `
  SELECT f.account_no,
         format('transaction %s branch %s spent %s but has %s spend entries (%s matching)',
                f.transaction_id, f.branch_id, f.spent, count(e.id), count(e.id) FILTER (WHERE e.amount = -f.spent AND e.account_no = f.account_no)) AS message
  FROM points_fences f
  LEFT JOIN points_entries e ON e.kind = 'SPEND' AND e.transaction_id = f.transaction_id AND e.branch_id = f.branch_id
  WHERE f.state = 'CONFIRMED'
  GROUP BY f.transaction_id, f.branch_id, f.account_no, f.spent
  HAVING count(e.id) <> (CASE WHEN f.spent > 0 THEN 1 ELSE 0 END)
      OR count(e.id) FILTER (WHERE e.amount = -f.spent AND e.account_no = f.account_no) <> (CASE WHEN f.spent > 0 THEN 1 ELSE 0 END)
  UNION ALL
  SELECT e.account_no, format('spend entry %s (transaction %s branch %s) has no CONFIRMED fence', e.id, e.transaction_id, e.branch_id)
  FROM points_entries e
  WHERE e.kind = 'SPEND' AND NOT EXISTS (
    SELECT 1 FROM points_fences f
    WHERE f.transaction_id = e.transaction_id AND f.branch_id = e.branch_id AND f.state = 'CONFIRMED')`;

/** Also enforced by CHECK constraints; checked here so a dropped constraint cannot hide it. */
const NEGATIVE = `
  SELECT account_no, format('available %s, held %s', available, held) AS message
  FROM points_accounts WHERE available < 0 OR held < 0`;

const CHECKS: Record<InvariantCode, string> = { BALANCE_NE_ENTRIES, HELD_NE_TRIED, SPENT_NE_ENTRIES, NEGATIVE };

export async function checkInvariants(db: Queryable): Promise<InvariantViolation[]> {
  const violations: InvariantViolation[] = [];
  for (const [code, sql] of Object.entries(CHECKS) as [InvariantCode, string][]) {
    const { rows } = await db.query<ViolationRow>(sql);
    for (const row of rows) violations.push({ code, accountNo: row.account_no, message: row.message });
  }
  return violations;
}
