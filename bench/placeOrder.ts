// placeOrder throughput and latency against real PostgreSQL + Redis, at 1, 8 and 32 concurrent clients, on distinct
// accounts and on one hot account; beside it the same machine's pgbench TPS as the ceiling.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:place
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import {
  OrderFeed,
  placeOrder,
  QuoteService,
  RedisAccountLock,
  loadConfig,
  ZPlaceOrderInput,
  type AccountRef,
  type CoreServices,
} from "@meridian/core";
import { createBrokerRegistry, SimulatorControl } from "@meridian/core/broker";
import { createTestDatabase } from "@meridian/db/testing";
import { Redis } from "ioredis";
import { createFundedAccount } from "../apps/worker/test/accounts";

const ORDERS_PER_CELL = Number(process.env.BENCH_ORDERS ?? 600);
const CONCURRENCY = [1, 8, 32];

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error(
    "Set DATABASE_URL and REDIS_URL: this benchmark measures the production path (PostgreSQL + Redis lock).",
  );
  process.exit(2);
}

const db = await createTestDatabase({ poolSize: 40 });
const redis = new Redis(process.env.REDIS_URL);
const config = loadConfig(process.env);
const brokers = createBrokerRegistry({ ...config.brokers, url: "http://127.0.0.1:9" }); // limit orders never call it
const services: CoreServices = {
  prisma: db.prisma,
  lock: new RedisAccountLock(redis, { leaseMs: 30_000, waitMs: 30_000, retryMs: 2 }, `bench-${Date.now()}`),
  brokers,
  quotes: new QuoteService(brokers),
  simulator: new SimulatorControl("http://127.0.0.1:9"),
  orderFeed: new OrderFeed({ prisma: db.prisma, logger: pino({ level: "silent" }) }), // never subscribed: never polls
  retryPolicy: config.retry,
  config,
  receiverUrl: "http://127.0.0.1:9",
  logger: pino({ level: "silent" }),
};
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
}

async function cell(clients: number, hot: boolean): Promise<Row> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (issued < ORDERS_PER_CELL) {
        issued++;
        const account = hot ? accounts[0]! : accounts[client % accounts.length]!;
        const t0 = performance.now();
        await placeOrder({
          ctx: { services, account, actor: "bench" },
          input: ZPlaceOrderInput.parse({
            symbol: "AAPL",
            side: "BUY",
            type: "LIMIT",
            quantity: "1",
            limitPrice: "100.00",
          }),
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
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
  };
}

function pgbenchTps(): string {
  const url = new URL(db.url);
  const target = [
    "-h",
    url.hostname,
    "-p",
    url.port || "5432",
    "-U",
    decodeURIComponent(url.username) || "postgres",
    url.pathname.slice(1),
  ];
  const init = spawnSync("pgbench", ["-i", "-q", "-s", "10", ...target], { encoding: "utf8" });
  if (init.status !== 0)
    return `pgbench unavailable (${(init.stderr || init.error?.message || "").trim().split("\n")[0]})`;
  const run = spawnSync("pgbench", ["-c", "8", "-j", "2", "-T", "10", ...target], { encoding: "utf8" });
  return run.stdout.match(/tps = ([\d.]+)/)?.[1] ?? `pgbench failed: ${run.stderr.trim().split("\n")[0]}`;
}

const rows: Row[] = [];
await cell(4, false); // warm-up: connections, JIT, prepared plans
for (const hot of [false, true]) for (const clients of CONCURRENCY) rows.push(await cell(clients, hot));

console.log(`\nplaceOrder (limit buy; PostgreSQL + Redis lock), ${ORDERS_PER_CELL} orders per row`);
console.log("| accounts | clients | orders/s | p50 ms | p99 ms |");
console.log("|---|---:|---:|---:|---:|");
for (const row of rows)
  console.log(
    `| ${row.accounts} | ${row.clients} | ${row.perSecond.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} |`,
  );
console.log(`\npgbench (TPC-B-like, scale 10, 8 clients, 10 s) on the same server: ${pgbenchTps()} TPS`);

await services.lock.close();
await db.drop();
