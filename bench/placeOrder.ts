// placeOrder throughput and latency against real PostgreSQL + Redis, at 1, 8 and 32 concurrent clients, on distinct
// accounts and on one hot account; beside it the same machine's pgbench TPS as the ceiling.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:place
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { placeOrder, ZPlaceOrderInput, type AccountLock, type AccountRef, type CoreServices } from "@meridian/core";
import { createTestDatabase } from "@meridian/db/testing";
import { createFundedAccount } from "../apps/worker/test/accounts";
import { inProcessServices, LIMIT_BUY } from "./inProcessPlace";
import { pgbenchTps, ratioTo } from "./pgbench";
import { countingStatements } from "./statements";

const ORDERS_PER_CELL = Number(process.env.BENCH_ORDERS ?? 600);
const CONCURRENCY = [1, 8, 32];

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error(
    "Set DATABASE_URL and REDIS_URL: this benchmark measures the production path (PostgreSQL + Redis lock).",
  );
  process.exit(2);
}

const db = await createTestDatabase({ poolSize: 40 });
const inProcess = inProcessServices(db.prisma, process.env.REDIS_URL);
/** Lock acquisitions, one per transaction: orders / transactions is how many orders one commit carried. */
let transactions = 0;
const countingLock: AccountLock = {
  withAccountLock: (accountId, work) => {
    transactions++;
    return inProcess.lock.withAccountLock(accountId, work);
  },
  close: () => inProcess.lock.close(),
};
const services: CoreServices = { ...inProcess, lock: countingLock };
const accounts: AccountRef[] = [];
for (let i = 0; i < 32; i++)
  accounts.push(await createFundedAccount(db.prisma, `B-${i}`, { cash: "100000000.00", points: "0", holdings: {} }));

interface Row {
  accounts: string;
  clients: number;
  orders: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Orders per transaction (placements of one account that waited together commit together). */
  perTransaction: number;
  /** CPU time per order of this process and of the database's backends: unmoved by other programs on the machine. */
  cpuMs: { node: number; postgres: number };
}

/** User + system CPU ms so far of the database's backends, by pid (Linux /proc; USER_HZ 100). */
async function backendCpuMs(): Promise<Map<number, number>> {
  const backends = await db.prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  const used = new Map<number, number>();
  for (const { pid } of backends) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // not Linux, or the backend is gone
    }
  }
  return used;
}

async function cell(clients: number, hot: boolean): Promise<Row> {
  const latencies: number[] = [];
  let issued = 0;
  const transactionsBefore = transactions;
  const backendsBefore = await backendCpuMs();
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (issued < ORDERS_PER_CELL) {
        issued++;
        const account = hot ? accounts[0]! : accounts[client % accounts.length]!;
        const t0 = performance.now();
        await placeOrder({ ctx: { services, account, actor: "bench" }, input: ZPlaceOrderInput.parse(LIMIT_BUY) });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  let postgres = 0;
  for (const [pid, ms] of await backendCpuMs()) postgres += ms - (backendsBefore.get(pid) ?? 0);
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    accounts: hot ? "1 hot" : "distinct",
    clients,
    orders: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: quantile(0.5),
    p99: quantile(0.99),
    perTransaction: latencies.length / (transactions - transactionsBefore),
    cpuMs: { node: (node.user + node.system) / 1000 / latencies.length, postgres: postgres / latencies.length },
  };
}

/**
 * The SQL statements (round trips, BEGIN and COMMIT included) and transactions of `count` placeOrders started at once on
 * one account, counted at the pg driver: the first goes alone, the others wait for it and commit together.
 */
async function statementsFor(count: number): Promise<{ statements: number; transactions: number }> {
  const transactionsBefore = transactions;
  const { statements } = await countingStatements(() =>
    Promise.all(
      Array.from({ length: count }, () =>
        placeOrder({
          ctx: { services, account: accounts[1]!, actor: "bench" },
          input: ZPlaceOrderInput.parse(LIMIT_BUY),
        }),
      ),
    ),
  );
  return { statements, transactions: transactions - transactionsBefore };
}

const rows: Row[] = [];
await cell(4, false); // warm-up: connections, JIT, prepared plans
const alone = await statementsFor(1);
const together = await statementsFor(11);
for (const hot of [false, true]) for (const clients of CONCURRENCY) rows.push(await cell(clients, hot));
const pgbench = pgbenchTps(db.url);

console.log(
  `\nplaceOrder (limit buy; PostgreSQL + Redis lock), ${ORDERS_PER_CELL} orders per row. One order alone: ${alone.statements} SQL statements and 2 Redis commands; 11 at once on one account: ${together.statements} SQL statements in ${together.transactions} transactions`,
);
console.log(
  "| accounts | clients | orders/s | × pgbench | p50 ms | p99 ms | orders/transaction | CPU ms/order: node + postgres |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows)
  console.log(
    `| ${row.accounts} | ${row.clients} | ${row.perSecond.toFixed(0)} | ${ratioTo(pgbench, row.perSecond)} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.perTransaction.toFixed(1)} | ${row.cpuMs.node.toFixed(2)} + ${row.cpuMs.postgres.toFixed(2)} |`,
  );
console.log(`\n${pgbench.note} on the same server, in the same run`);

await services.lock.close();
await db.drop();
