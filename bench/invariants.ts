// The invariant checker's cost as history grows: the full check (every invariant over every account and order) against
// one incremental pass after k accounts changed, on books of about 11,000 and then 110,000 ledger entries (1,000 and
// then 10,000 accounts, each with 5 filled buys: an order, its receipt, two entries). Each account's own history stays
// the same size, so the incremental figure should stay flat while the full check grows with the books.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:invariants
import { performance } from "node:perf_hooks";
import { checkAllInvariants, runInvariantPass, DEFAULT_INVARIANTS_OPTIONS, type PassResult } from "@meridian/core";
import { createTestDatabase } from "@meridian/db/testing";
import { buildBooks, deposit } from "../packages/core/test/books";

const ORDERS_PER_ACCOUNT = 5;
const STEPS = [1_000, 9_000]; // accounts added before each measurement: 1,000 then 10,000 in all
const TOUCHED = [1, 10, 100];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

if (!process.env.DATABASE_URL) {
  console.error("Set DATABASE_URL: this benchmark measures the checker on PostgreSQL.");
  process.exit(2);
}

const db = await createTestDatabase({ poolSize: 4 });
const options = { ...DEFAULT_INVARIANTS_OPTIONS, fullSweepMs: 24 * 60 * 60_000 };
const accountIds: string[] = [];

interface Row {
  entries: number;
  accounts: number;
  orders: number;
  what: string;
  accountsChecked: number | null;
  ordersChecked: number | null;
  ms: number;
}

async function pass(full = false): Promise<PassResult> {
  const result = await runInvariantPass(db.prisma, { ...options, full });
  if (!result) throw new Error("the checker was held by another pass");
  if (result.open) throw new Error(`the books are not consistent: ${JSON.stringify(result.opened)}`);
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** k accounts change: a deposit each, and one of their orders is updated (so k orders change too). */
async function touch(k: number, round: number): Promise<void> {
  const picked = Array.from({ length: k }, (_, i) => accountIds[(round * 7919 + i * 104_729) % accountIds.length]!);
  await deposit(db.prisma, picked, 1);
  await db.prisma.$executeRaw`
    UPDATE orders SET version = version + 1
     WHERE id IN (SELECT DISTINCT ON (account_id) id FROM orders WHERE account_id = ANY(${picked}::uuid[]) ORDER BY account_id, id)`;
}

async function measure(size: Omit<Row, "what" | "accountsChecked" | "ordersChecked" | "ms">): Promise<Row[]> {
  const rows: Row[] = [];
  const fullCheck: number[] = [];
  const sweep: PassResult[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    if ((await checkAllInvariants(db.prisma)).length) throw new Error("the books are not consistent");
    fullCheck.push(performance.now() - t0);
    sweep.push(await pass(true));
  }
  rows.push({
    ...size,
    what: "full check (tests: checkAllInvariants)",
    accountsChecked: null,
    ordersChecked: null,
    ms: median(fullCheck),
  });
  rows.push({
    ...size,
    what: "full sweep pass (hourly)",
    accountsChecked: sweep[0]!.accountsChecked,
    ordersChecked: sweep[0]!.ordersChecked,
    ms: median(sweep.map((result) => result.durationMs)),
  });
  for (const k of TOUCHED) {
    const passes: PassResult[] = [];
    for (let round = 0; round < REPEATS; round++) {
      await touch(k, round);
      passes.push(await pass());
    }
    const last = passes.at(-1)!;
    rows.push({
      ...size,
      what: `incremental pass, ${k} touched`,
      accountsChecked: last.accountsChecked,
      ordersChecked: last.ordersChecked,
      ms: median(passes.map((result) => result.durationMs)),
    });
  }
  return rows;
}

async function counts() {
  const [row] = await db.prisma.$queryRaw<{ entries: bigint; accounts: bigint; orders: bigint }[]>`
    SELECT (SELECT count(*) FROM ledger_entries) AS entries, (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM orders) AS orders`;
  return { entries: Number(row!.entries), accounts: Number(row!.accounts), orders: Number(row!.orders) };
}

const table: Row[] = [];
for (const [step, added] of STEPS.entries()) {
  accountIds.push(
    ...(await buildBooks(db.prisma, { accounts: added, ordersPerAccount: ORDERS_PER_ACCOUNT, label: `bench${step}` })),
  );
  await db.prisma.$executeRawUnsafe("ANALYZE");
  await pass(true); // warm-up, and the cursors move past the bulk load
  table.push(...(await measure(await counts())));
}

console.log(
  `\nInvariant checker (PostgreSQL), median of ${REPEATS}; pass times are measured inside the pass (without its commit)`,
);
console.log("| ledger entries | accounts | orders | what | accounts checked | orders checked | ms |");
console.log("|---:|---:|---:|---|---:|---:|---:|");
const number = (value: number | null) => (value === null ? "all" : value.toLocaleString("en-US"));
for (const row of table) {
  console.log(
    `| ${number(row.entries)} | ${number(row.accounts)} | ${number(row.orders)} | ${row.what} | ${number(row.accountsChecked)} | ${number(row.ordersChecked)} | ${row.ms.toFixed(1)} |`,
  );
}

await db.drop();
