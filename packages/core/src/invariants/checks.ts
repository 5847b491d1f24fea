// Every invariant as one SQL statement, in this one file: the tests' full check and the worker's incremental pass run
// these same statements, over every row or over the accounts and orders a pass found touched. Each statement returns
// only the rows that break its invariant; a scoped statement reaches the rows it checks through an index (account id,
// order id, execution id), so its cost follows the size of the scope, not of the history.
import { Prisma, type DbOrTx } from "@meridian/db";
import type { BrokerOrderStatus } from "../broker/port";
import { CASH } from "../ledger/balances";
import { FEE_POINTS_BRANCH } from "../points/wire";
import { DEBIT_ASSET_SUFFIX } from "../ledger/debits";
import { TERMINAL_STATUSES } from "../orders/status";
import { LEDGER_REFUSAL_KIND } from "../receiver/quarantine";
import { dec } from "../shared/money";
import type { InvariantCode, Violation } from "./codes";

/** Everything, or the accounts and orders one pass must look at. */
export type Scope = "all" | { accountIds: string[]; orderIds: string[] };

export interface CheckClock {
  /** Executions received at or before this instant are past their grace period: unbooked, they are a violation. */
  receiptCutoff: Date;
}

/** The scope as a condition on one id column of a statement (`inScope("o.id")`). */
export type InScope = (column: string) => Prisma.Sql;

export interface InvariantCheck {
  invariant: InvariantCode;
  /** Which ids of a scope the statement is restricted to. */
  scopedBy: "account" | "order";
  find(db: DbOrTx, inScope: InScope, clock: CheckClock): Promise<Violation[]>;
}

/** The scope's condition for a check, or null when the scope holds no id of its kind (nothing to check). */
export function scopeCondition(scope: Scope, scopedBy: InvariantCheck["scopedBy"]): InScope | null {
  if (scope === "all") return () => Prisma.sql`TRUE`;
  const ids = scopedBy === "account" ? scope.accountIds : scope.orderIds;
  return ids.length ? (column) => Prisma.sql`${Prisma.raw(column)} = ANY(${ids}::uuid[])` : null;
}

const n = (text: string) => dec(text).toString();

/** "X balance 10 ≠ ledger 9", for each [what, balance, ledger sum] that differ. */
const mismatches = (...parts: [what: string, balance: string, entries: string][]) =>
  parts
    .filter(([, balance, entries]) => !dec(balance).equals(entries))
    .map(([what, balance, entries]) => `${what} ${n(balance)} ≠ ledger ${n(entries)}`)
    .join("; ");

// A balance's total: its parts add up to the sum of its entries. What the account owes (a fill it could not cover)
// counts against it, and is itself the sum of the entries of its own asset ('USD:DEBIT', 'AAPL:DEBIT').
const CASH_TOTAL = Prisma.sql`c.available + c.held - c.debit`;
const HOLDING_TOTAL = Prisma.sql`h.quantity + h.held_quantity - h.debit_quantity`;

const TERMINAL: string[] = [...TERMINAL_STATUSES];
/** A broker status after which the broker will do nothing more with the order. */
const BROKER_CLOSED: string[] = ["FILLED", "CANCELLED", "REJECTED", "EXPIRED"] satisfies BrokerOrderStatus[];

const cashBalanceNeLedger: InvariantCheck = {
  invariant: "CASH_BALANCE_NE_LEDGER",
  scopedBy: "account",
  async find(db, inScope) {
    const rows = await db.$queryRaw<
      { account_id: string; currency: string; balance: string; entries: string; debit: string; debit_entries: string }[]
    >`
      SELECT c.account_id::text, c.currency, (${CASH_TOTAL})::text AS balance, COALESCE(e.total, 0)::text AS entries,
             c.debit::text AS debit, COALESCE(d.total, 0)::text AS debit_entries
        FROM cash_balances c
        LEFT JOIN LATERAL (SELECT sum(amount) AS total FROM ledger_entries WHERE account_id = c.account_id AND asset = c.currency) e ON TRUE
        LEFT JOIN LATERAL (SELECT sum(amount) AS total FROM ledger_entries WHERE account_id = c.account_id AND asset = c.currency || ${DEBIT_ASSET_SUFFIX}) d ON TRUE
       WHERE ${inScope("c.account_id")} AND ((${CASH_TOTAL}) <> COALESCE(e.total, 0) OR c.debit <> COALESCE(d.total, 0))`;
    return rows.map((row) => ({
      invariant: "CASH_BALANCE_NE_LEDGER",
      accountId: row.account_id,
      subject: row.currency,
      message: mismatches(
        [`${row.currency} balance`, row.balance, row.entries],
        [`${row.currency} debit`, row.debit, row.debit_entries],
      ),
    }));
  },
};

const holdingNeLedger: InvariantCheck = {
  invariant: "HOLDING_NE_LEDGER",
  scopedBy: "account",
  async find(db, inScope) {
    const rows = await db.$queryRaw<
      { account_id: string; symbol: string; balance: string; entries: string; debit: string; debit_entries: string }[]
    >`
      SELECT h.account_id::text, h.symbol, (${HOLDING_TOTAL})::text AS balance, COALESCE(e.total, 0)::text AS entries,
             h.debit_quantity::text AS debit, COALESCE(d.total, 0)::text AS debit_entries
        FROM holdings h
        LEFT JOIN LATERAL (SELECT sum(amount) AS total FROM ledger_entries WHERE account_id = h.account_id AND asset = h.symbol) e ON TRUE
        LEFT JOIN LATERAL (SELECT sum(amount) AS total FROM ledger_entries WHERE account_id = h.account_id AND asset = h.symbol || ${DEBIT_ASSET_SUFFIX}) d ON TRUE
       WHERE ${inScope("h.account_id")} AND ((${HOLDING_TOTAL}) <> COALESCE(e.total, 0) OR h.debit_quantity <> COALESCE(d.total, 0))`;
    return rows.map((row) => ({
      invariant: "HOLDING_NE_LEDGER",
      accountId: row.account_id,
      subject: row.symbol,
      message: mismatches(
        [`${row.symbol} holding`, row.balance, row.entries],
        [`${row.symbol} owed`, row.debit, row.debit_entries],
      ),
    }));
  },
};

// Held cash in a currency is what its open orders hold (dollars only) plus what conversions still waiting for the FX
// desk's answer hold of the currency they sell (fx_conversions REQUESTED).
const heldCashNeOrderHolds: InvariantCheck = {
  invariant: "HELD_CASH_NE_ORDER_HOLDS",
  scopedBy: "account",
  async find(db, inScope) {
    const rows = await db.$queryRaw<
      { account_id: string; currency: string; held: string; order_holds: string; conversion_holds: string }[]
    >`
      SELECT c.account_id::text, c.currency, c.held::text AS held,
             COALESCE(o.total, 0)::text AS order_holds, COALESCE(x.total, 0)::text AS conversion_holds
        FROM cash_balances c
        LEFT JOIN LATERAL (SELECT sum(held_cash) AS total FROM orders WHERE account_id = c.account_id AND c.currency = ${CASH}) o ON TRUE
        LEFT JOIN LATERAL (SELECT sum(sell_amount) AS total FROM fx_conversions
                            WHERE account_id = c.account_id AND status = 'REQUESTED' AND sell_currency = c.currency) x ON TRUE
       WHERE ${inScope("c.account_id")} AND c.held <> COALESCE(o.total, 0) + COALESCE(x.total, 0)`;
    return rows.map((row) => ({
      invariant: "HELD_CASH_NE_ORDER_HOLDS",
      accountId: row.account_id,
      subject: row.currency,
      message: `held ${row.currency} ${n(row.held)} ≠ holds of its orders ${n(row.order_holds)} + of its conversions waiting for the FX desk ${n(row.conversion_holds)}`,
    }));
  },
};

// Every conversion the desk made is booked exactly: one entry selling its sell amount, one buying its buy amount, tied
// to it; a conversion not made (REQUESTED, FAILED) has none.
const conversionNeLedger: InvariantCheck = {
  invariant: "CONVERSION_NE_LEDGER",
  scopedBy: "account",
  async find(db, inScope) {
    const rows = await db.$queryRaw<
      { account_id: string; id: string; status: string; sold: string | null; bought: string | null; entries: bigint }[]
    >`
      SELECT x.account_id::text, x.id::text, x.status,
             (SELECT sum(amount) FROM ledger_entries e WHERE e.conversion_id = x.id AND e.asset = x.sell_currency)::text AS sold,
             (SELECT sum(amount) FROM ledger_entries e WHERE e.conversion_id = x.id AND e.asset = x.buy_currency)::text AS bought,
             (SELECT count(*) FROM ledger_entries e WHERE e.conversion_id = x.id) AS entries
        FROM fx_conversions x
       WHERE ${inScope("x.account_id")}
         AND CASE WHEN x.status = 'DONE'
                  THEN (SELECT count(*) FROM ledger_entries e WHERE e.conversion_id = x.id) <> 2
                    OR (SELECT sum(amount) FROM ledger_entries e WHERE e.conversion_id = x.id AND e.asset = x.sell_currency) IS DISTINCT FROM -x.sell_amount
                    OR (SELECT sum(amount) FROM ledger_entries e WHERE e.conversion_id = x.id AND e.asset = x.buy_currency) IS DISTINCT FROM x.buy_amount
                  ELSE EXISTS (SELECT 1 FROM ledger_entries e WHERE e.conversion_id = x.id) END`;
    return rows.map((row) => ({
      invariant: "CONVERSION_NE_LEDGER",
      accountId: row.account_id,
      subject: row.id,
      message: `conversion ${row.id} (${row.status}) is booked as ${row.entries} entries (sold ${row.sold ?? "nothing"}, bought ${row.bought ?? "nothing"})`,
    }));
  },
};

const heldSharesNeOrderHolds: InvariantCheck = {
  invariant: "HELD_SHARES_NE_ORDER_HOLDS",
  scopedBy: "account",
  async find(db, inScope) {
    const rows = await db.$queryRaw<{ account_id: string; symbol: string; held: string; order_holds: string }[]>`
      SELECT h.account_id::text, h.symbol, h.held_quantity::text AS held, COALESCE(o.total, 0)::text AS order_holds
        FROM holdings h
        LEFT JOIN LATERAL (SELECT sum(held_quantity) AS total FROM orders WHERE account_id = h.account_id AND symbol = h.symbol) o ON TRUE
       WHERE ${inScope("h.account_id")} AND h.held_quantity <> COALESCE(o.total, 0)`;
    return rows.map((row) => ({
      invariant: "HELD_SHARES_NE_ORDER_HOLDS",
      accountId: row.account_id,
      subject: row.symbol,
      message: `held ${row.symbol} ${n(row.held)} ≠ holds of its sell orders ${n(row.order_holds)}`,
    }));
  },
};

// Fee points are held by the points service; what we can check here is that each order's record of its branch agrees
// with the order: TRIED for what it still holds plus what it spent while open, and once closed, set to Confirm exactly
// what it spent (Cancel when nothing). The service's own books are its invariants (apps/points), and the two sides
// are compared by tcc/reconcileFeePoints.ts.
const feePointsBranchNeOrder: InvariantCheck = {
  invariant: "FEE_POINTS_BRANCH_NE_ORDER",
  scopedBy: "order",
  async find(db, inScope) {
    const rows = await db.$queryRaw<
      {
        order_id: string;
        account_id: string;
        status: string;
        held_points: string;
        points_used: string;
        state: string | null;
        points: string | null;
        spent: string | null;
      }[]
    >`
      SELECT o.id::text AS order_id, o.account_id::text, o.status::text, o.held_points::text, o.points_used::text,
             b.state, b.points::text, b.spent::text
        FROM orders o
        JOIN tcc_transactions t ON t.order_id = o.id
        LEFT JOIN tcc_branches b ON b.transaction_id = t.id AND b.branch_id = ${FEE_POINTS_BRANCH}
       WHERE ${inScope("o.id")} AND o.pay_fee_with_points AND (b.state IS NOT NULL OR o.held_points + o.points_used > 0)
         AND CASE WHEN o.status::text = ANY(${TERMINAL})
                  THEN b.state IS NULL OR b.state = 'TRIED' OR b.spent <> o.points_used
                  ELSE b.state IS DISTINCT FROM 'TRIED' OR b.points <> o.held_points + o.points_used END`;
    return rows.map((row) => ({
      invariant: "FEE_POINTS_BRANCH_NE_ORDER",
      accountId: row.account_id,
      orderId: row.order_id,
      message: row.state
        ? `${row.status} order holds ${n(row.held_points)} points and spent ${n(row.points_used)}; its fee points branch is ${row.state} for ${n(row.points ?? "0")}, spending ${n(row.spent ?? "0")}`
        : `${row.status} order holds ${n(row.held_points)} points but has no fee points branch`,
    }));
  },
};

const negativeBalance: InvariantCheck = {
  invariant: "NEGATIVE_BALANCE",
  scopedBy: "account",
  async find(db, inScope) {
    const rows = await db.$queryRaw<{ account_id: string; what: string; free: string; held: string }[]>`
      SELECT account_id::text, currency AS what, available::text AS free, held::text AS held FROM cash_balances
       WHERE ${inScope("account_id")} AND (available < 0 OR held < 0)
      UNION ALL
      SELECT account_id::text, symbol, quantity::text, held_quantity::text FROM holdings
       WHERE ${inScope("account_id")} AND (quantity < 0 OR held_quantity < 0)`;
    return rows.map((row) => ({
      invariant: "NEGATIVE_BALANCE",
      accountId: row.account_id,
      subject: row.what,
      message: `${row.what} is negative: free ${n(row.free)}, held ${n(row.held)}`,
    }));
  },
};

const filledNeReceipts: InvariantCheck = {
  invariant: "FILLED_NE_RECEIPTS",
  scopedBy: "order",
  async find(db, inScope) {
    // Booked = a ledger entry names the receipt. A receipt not booked yet is in flight (or refused): TRADE_UNBOOKED
    // judges it once its grace period is over; the filled quantity must only ever move with a booking.
    const rows = await db.$queryRaw<
      { order_id: string; account_id: string; status: string; filled: string; booked: string }[]
    >`
      SELECT o.id::text AS order_id, o.account_id::text, o.status::text, o.filled_quantity::text AS filled, COALESCE(b.total, 0)::text AS booked
        FROM orders o
        LEFT JOIN LATERAL (
          SELECT sum(r.quantity) AS total FROM execution_receipts r
           WHERE r.order_id = o.id AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.execution_id = r.id)) b ON TRUE
       WHERE ${inScope("o.id")} AND o.filled_quantity <> COALESCE(b.total, 0)`;
    return rows.map((row) => ({
      invariant: "FILLED_NE_RECEIPTS",
      accountId: row.account_id,
      orderId: row.order_id,
      message: `${row.status} order has ${n(row.filled)} filled, its booked executions add up to ${n(row.booked)}`,
    }));
  },
};

const terminalHolds: InvariantCheck = {
  invariant: "TERMINAL_HOLDS",
  scopedBy: "order",
  async find(db, inScope) {
    const rows = await db.$queryRaw<
      {
        order_id: string;
        account_id: string;
        status: string;
        held_cash: string;
        held_quantity: string;
        held_points: string;
      }[]
    >`
      SELECT o.id::text AS order_id, o.account_id::text, o.status::text, o.held_cash::text, o.held_quantity::text, o.held_points::text
        FROM orders o
       WHERE ${inScope("o.id")} AND o.status::text = ANY(${TERMINAL}) AND (o.held_cash <> 0 OR o.held_quantity <> 0 OR o.held_points <> 0)`;
    return rows.map((row) => ({
      invariant: "TERMINAL_HOLDS",
      accountId: row.account_id,
      orderId: row.order_id,
      message: `order is ${row.status} but still holds cash ${n(row.held_cash)}, shares ${n(row.held_quantity)}, points ${n(row.held_points)}`,
    }));
  },
};

const tccOpenForTerminalOrder: InvariantCheck = {
  invariant: "TCC_OPEN_FOR_TERMINAL_ORDER",
  scopedBy: "order",
  async find(db, inScope) {
    const rows = await db.$queryRaw<{ tcc_id: string; order_id: string; account_id: string; status: string }[]>`
      SELECT t.id::text AS tcc_id, o.id::text AS order_id, o.account_id::text, o.status::text
        FROM tcc_transactions t JOIN orders o ON o.id = t.order_id
       WHERE ${inScope("o.id")} AND t.status = 'TRYING' AND o.status::text = ANY(${TERMINAL})`;
    return rows.map((row) => ({
      invariant: "TCC_OPEN_FOR_TERMINAL_ORDER",
      accountId: row.account_id,
      orderId: row.order_id,
      message: `reservation ${row.tcc_id} is still TRYING but its order is ${row.status}`,
    }));
  },
};

const openHereClosedAtBroker: InvariantCheck = {
  invariant: "OPEN_HERE_CLOSED_AT_BROKER",
  scopedBy: "order",
  async find(db, inScope) {
    // The checker never calls a broker: it reads what the last reconciliation run found and an operator has not
    // decided yet. An order-level item (no exec id) saying the broker closed the order, or has no such order.
    const rows = await db.$queryRaw<
      {
        order_id: string;
        account_id: string;
        status: string;
        broker_id: string;
        class: string;
        broker_status: string | null;
        run_at: Date;
      }[]
    >`
      SELECT DISTINCT ON (o.id) o.id::text AS order_id, o.account_id::text, o.status::text, i.broker_id, i.class::text,
             i.detail->'broker'->>'status' AS broker_status, r.started_at AS run_at
        FROM recon_items i JOIN orders o ON o.id = i.order_id JOIN recon_runs r ON r.id = i.run_id
       WHERE ${inScope("i.order_id")} AND i.status = 'PROPOSED' AND i.exec_id IS NULL AND NOT (o.status::text = ANY(${TERMINAL}))
         AND (i.class = 'MISSING_AT_BROKER' OR (i.class = 'STATUS' AND i.detail->'broker'->>'status' = ANY(${BROKER_CLOSED})))
       ORDER BY o.id, r.started_at DESC`;
    return rows.map((row) => ({
      invariant: "OPEN_HERE_CLOSED_AT_BROKER",
      accountId: row.account_id,
      orderId: row.order_id,
      message: `order is ${row.status} here; ${row.broker_id} ${row.broker_status ? `has it ${row.broker_status}` : "has no such order"} (reconciliation run of ${row.run_at.toISOString()}, fix awaiting an operator)`,
    }));
  },
};

const tradeUnbooked: InvariantCheck = {
  invariant: "TRADE_UNBOOKED",
  scopedBy: "order",
  async find(db, inScope, clock) {
    // Booked is decided by the ledger entries alone, so it stays true whichever path books a trade (a fill, a late
    // fill).
    const rows = await db.$queryRaw<
      {
        receipt_id: string;
        exec_id: string;
        broker_id: string;
        quantity: string;
        price: string;
        received_at: Date;
        order_id: string;
        account_id: string;
        refusal: string | null;
      }[]
    >`
      SELECT r.id::text AS receipt_id, r.exec_id, r.broker_id, r.quantity::text, r.price::text, r.received_at,
             r.order_id::text, o.account_id::text,
             (SELECT ev.cause FROM order_events ev
               WHERE ev.order_id = r.order_id AND ev.kind = ${LEDGER_REFUSAL_KIND} AND ev.detail->>'receiptId' = r.id::text
               ORDER BY ev.id DESC LIMIT 1) AS refusal
        FROM execution_receipts r JOIN orders o ON o.id = r.order_id
       WHERE ${inScope("r.order_id")} AND r.received_at <= ${clock.receiptCutoff} AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.execution_id = r.id)`;
    return rows.map((row) => ({
      invariant: "TRADE_UNBOOKED",
      accountId: row.account_id,
      orderId: row.order_id,
      subject: row.receipt_id,
      message: `${row.broker_id} execution ${row.exec_id} (${n(row.quantity)} @ ${n(row.price)}, received ${row.received_at.toISOString()}) is not booked: ${row.refusal ? `the ledger refused it (${row.refusal})` : "the ledger has not consumed it"}`,
    }));
  },
};

export const INVARIANT_CHECKS: readonly InvariantCheck[] = [
  cashBalanceNeLedger,
  holdingNeLedger,
  heldCashNeOrderHolds,
  conversionNeLedger,
  heldSharesNeOrderHolds,
  feePointsBranchNeOrder,
  negativeBalance,
  filledNeReceipts,
  terminalHolds,
  tccOpenForTerminalOrder,
  openHereClosedAtBroker,
  tradeUnbooked,
];

/** Runs `checks` over `scope`, one statement after another (a pass holds one connection). */
export async function findViolations(
  db: DbOrTx,
  scope: Scope,
  clock: CheckClock,
  checks: readonly InvariantCheck[] = INVARIANT_CHECKS,
): Promise<Violation[]> {
  const found: Violation[] = [];
  for (const check of checks) {
    const inScope = scopeCondition(scope, check.scopedBy);
    if (inScope) found.push(...(await check.find(db, inScope, clock)));
  }
  return found;
}
