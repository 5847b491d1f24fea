// The ledger's promises, checked against the database: balances equal the sum of their entries, nothing is negative,
// and every held cent or share belongs to an open order. Tests and the operator console run it.
import type { PrismaClient } from "@meridian/db";

export async function findLedgerViolations(prisma: PrismaClient): Promise<string[]> {
  const cash = await prisma.$queryRaw<{ account_id: string; balance: string; entries: string; available: string; held: string; open_holds: string }[]>`
    SELECT c.account_id, (c.available + c.held)::text AS balance, c.available::text AS available, c.held::text AS held,
           COALESCE((SELECT sum(amount) FROM ledger_entries e WHERE e.account_id = c.account_id AND e.asset = c.currency), 0)::text AS entries,
           COALESCE((SELECT sum(held_cash) FROM orders o WHERE o.account_id = c.account_id), 0)::text AS open_holds
      FROM cash_balances c`;
  const shares = await prisma.$queryRaw<{ account_id: string; symbol: string; balance: string; entries: string; quantity: string; held: string; open_holds: string }[]>`
    SELECT h.account_id, h.symbol, (h.quantity + h.held_quantity)::text AS balance, h.quantity::text AS quantity, h.held_quantity::text AS held,
           COALESCE((SELECT sum(amount) FROM ledger_entries e WHERE e.account_id = h.account_id AND e.asset = h.symbol), 0)::text AS entries,
           COALESCE((SELECT sum(held_quantity) FROM orders o WHERE o.account_id = h.account_id AND o.symbol = h.symbol), 0)::text AS open_holds
      FROM holdings h`;
  const points = await prisma.$queryRaw<{ account_id: string; balance: string; entries: string; available: string; held: string; open_holds: string }[]>`
    SELECT p.account_id, (p.available + p.held)::text AS balance, p.available::text AS available, p.held::text AS held,
           COALESCE((SELECT sum(amount) FROM ledger_entries e WHERE e.account_id = p.account_id AND e.asset = 'POINTS'), 0)::text AS entries,
           COALESCE((SELECT sum(held_points) FROM orders o WHERE o.account_id = p.account_id), 0)::text AS open_holds
      FROM points_balances p`;
  const terminalWithHolds = await prisma.$queryRaw<{ id: string; status: string }[]>`
    SELECT id, status::text FROM orders
     WHERE status IN ('FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED') AND (held_cash <> 0 OR held_quantity <> 0 OR held_points <> 0)`;
  const violations: string[] = [];
  for (const row of cash) {
    if (!sameDecimal(row.balance, row.entries)) violations.push(`cash ${row.account_id}: balance ${row.balance} ≠ ledger ${row.entries}`);
    if (row.available.startsWith("-") || row.held.startsWith("-")) violations.push(`cash ${row.account_id}: negative (available ${row.available}, held ${row.held})`);
    if (!sameDecimal(row.held, row.open_holds)) violations.push(`cash ${row.account_id}: held ${row.held} ≠ holds of its orders ${row.open_holds}`);
  }
  for (const row of shares) {
    if (!sameDecimal(row.balance, row.entries)) violations.push(`holding ${row.account_id}/${row.symbol}: ${row.balance} ≠ ledger ${row.entries}`);
    if (row.quantity.startsWith("-") || row.held.startsWith("-")) violations.push(`holding ${row.account_id}/${row.symbol}: negative (free ${row.quantity}, held ${row.held})`);
    if (!sameDecimal(row.held, row.open_holds)) violations.push(`holding ${row.account_id}/${row.symbol}: held ${row.held} ≠ holds of its orders ${row.open_holds}`);
  }
  for (const row of points) {
    if (!sameDecimal(row.balance, row.entries)) violations.push(`points ${row.account_id}: ${row.balance} ≠ ledger ${row.entries}`);
    if (row.available.startsWith("-") || row.held.startsWith("-")) violations.push(`points ${row.account_id}: negative (available ${row.available}, held ${row.held})`);
    if (!sameDecimal(row.held, row.open_holds)) violations.push(`points ${row.account_id}: held ${row.held} ≠ holds of its orders ${row.open_holds}`);
  }
  for (const order of terminalWithHolds) violations.push(`order ${order.id} is ${order.status} but still holds cash or shares`);
  const openTcc = await prisma.$queryRaw<{ id: string; order_id: string; status: string }[]>`
    SELECT t.id, t.order_id, o.status::text FROM tcc_transactions t JOIN orders o ON o.id = t.order_id
     WHERE t.status = 'TRYING' AND o.status IN ('FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED')`;
  for (const row of openTcc) violations.push(`TCC ${row.id} is still TRYING but its order ${row.order_id} is ${row.status}`);
  return violations;
}

function sameDecimal(a: string, b: string): boolean {
  const normalize = (value: string) => (value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value) || "0";
  return normalize(a) === normalize(b);
}
