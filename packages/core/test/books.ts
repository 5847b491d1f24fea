// Consistent books in bulk, written in a few SQL statements: accounts funded by a deposit, each with `ordersPerAccount`
// filled buys of 1 AAPL @ 100 (an order, its execution receipt, two ledger entries naming the receipt) and balances
// that equal the sum of their entries. For the invariant checker's tests and benchmark, where building a history
// through placeOrder would take minutes.
import type { PrismaClient } from "@meridian/db";

export interface BooksShape {
  accounts: number;
  ordersPerAccount: number;
  /** Distinguishes the account numbers and emails of one call from another's. */
  label: string;
}

const DEPOSIT = 1_000_000;
const PRICE = 100;

export async function buildBooks(prisma: PrismaClient, shape: BooksShape): Promise<string[]> {
  const { accounts, ordersPerAccount, label } = shape;
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH created AS (
      INSERT INTO users (id, email, name, password_hash)
      SELECT gen_random_uuid(), ${label}::text || '-' || g || '@books.meridian', ${label}::text || ' ' || g, 'unused' FROM generate_series(1, ${accounts}::int) g
      RETURNING id, name)
    INSERT INTO accounts (id, account_no, user_id) SELECT gen_random_uuid(), 'B-' || name, id FROM created RETURNING id::text`;
  const accountIds = rows.map((row) => row.id);
  const spent = ordersPerAccount * PRICE;
  await prisma.$executeRaw`
    INSERT INTO cash_balances (account_id, currency, available) SELECT id, 'USD', ${DEPOSIT - spent} FROM unnest(${accountIds}::uuid[]) id`;
  await prisma.$executeRaw`
    INSERT INTO ledger_entries (account_id, asset, amount, kind) SELECT id, 'USD', ${DEPOSIT}, 'DEPOSIT' FROM unnest(${accountIds}::uuid[]) id`;
  if (ordersPerAccount > 0) await buildFilledBuys(prisma, accountIds, ordersPerAccount);
  return accountIds;
}

async function buildFilledBuys(prisma: PrismaClient, accountIds: string[], ordersPerAccount: number): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO holdings (account_id, symbol, quantity, cost_basis) SELECT id, 'AAPL', ${ordersPerAccount}, ${ordersPerAccount * PRICE} FROM unnest(${accountIds}::uuid[]) id`;
  await prisma.$executeRaw`
    WITH placed AS (
      INSERT INTO orders (id, account_id, broker_id, symbol, side, type, quantity, limit_price, status, filled_quantity, filled_notional, submit_attempts, created_at)
      SELECT gen_random_uuid(), id, 'atlas', 'AAPL', 'BUY', 'LIMIT', 1, ${PRICE}, 'FILLED', 1, ${PRICE}, 1, now() - interval '1 day'
        FROM unnest(${accountIds}::uuid[]) id, generate_series(1, ${ordersPerAccount}::int)
      RETURNING id, account_id),
    received AS (
      INSERT INTO execution_receipts (id, broker_id, exec_id, order_id, quantity, price, executed_at, received_at)
      SELECT gen_random_uuid(), 'atlas', 'E-' || id, id, 1, ${PRICE}, now() - interval '1 day', now() - interval '1 day' FROM placed
      RETURNING id, order_id)
    INSERT INTO ledger_entries (account_id, asset, amount, kind, order_id, execution_id)
    SELECT o.account_id, leg.asset, leg.amount, leg.kind, o.id, r.id
      FROM received r JOIN placed o ON o.id = r.order_id,
           (VALUES ('USD', ${-PRICE}::numeric, 'BUY'), ('AAPL', 1::numeric, 'BUY')) AS leg(asset, amount, kind)`;
}

/** A deposit on each account, written consistently (entry and balance): activity that breaks nothing. */
export async function deposit(prisma: PrismaClient, accountIds: string[], amount: number): Promise<void> {
  await prisma.$transaction([
    prisma.$executeRaw`INSERT INTO ledger_entries (account_id, asset, amount, kind) SELECT id, 'USD', ${amount}, 'DEPOSIT' FROM unnest(${accountIds}::uuid[]) id`,
    prisma.$executeRaw`UPDATE cash_balances SET available = available + ${amount}, version = version + 1 WHERE currency = 'USD' AND account_id = ANY(${accountIds}::uuid[])`,
  ]);
}
