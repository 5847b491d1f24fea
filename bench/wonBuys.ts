// Buys paid in won against buys paid in dollars, end to end, in one run against a real system: the broker simulator
// and FX desk as their own process, one worker process with every role (gateway, receiver, ledger, recovery, saga
// runner), the customer's tRPC calls from this process.
//   dollars: orders.place (a limit buy that crosses, so it fills at once)          placed → FILLED
//   won:     fx.previewBuyWithWon + fx.buyWithWon (the same ticket): LOCK_QUOTE → CONVERT_TO_USD at the desk →
//            PLACE_ORDER → AWAIT_ORDER_END                                        placed → saga COMPLETED
// Each kind runs on its own in turn (dollars first), from the same number of clients on accounts of their own.
//   npm run bench:won                            (KAFKA_BROKERS, DATABASE_URL, REDIS_URL are used when set;
//                                                 without KAFKA_BROKERS a Kafka node of its own is started)
//   BENCH_ORDERS=300 BENCH_CLIENTS=8             (defaults) orders of each kind; concurrent clients (one account each)
//   BENCH_TRANSPORT=kafka                        (default) or polling
//   SAGA_POLL_MS=50                              (default here) the worker's saga runner poll
// pgbench's TPS on the same server is measured first and printed beside the figures (bench/pgbench.ts).
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { withKafkaBrokers } from "./kafkaBrokers";
import { pgbenchOnScratchDatabase, ratioTo } from "./pgbench";
import { fxCustomer, type FxCustomer } from "../apps/worker/test/fxDesk";
import { startSystem, waitUntil, type TestSystem } from "../apps/worker/test/system";
import { runBenchmark } from "./run";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 300);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const TRANSPORT = process.env.BENCH_TRANSPORT === "polling" ? "polling" : "kafka";
const SAGA_POLL_MS = process.env.SAGA_POLL_MS ?? "50";
/** AAPL lists at $228.50 on the simulator; a limit 25 % above crosses the ask and fills at once. */
const TICKET = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "285.00" } as const;

interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

interface Row {
  kind: string;
  orders: number;
  placeSeconds: number;
  totalSeconds: number;
  perSecond: number;
  latency: Latency;
  /** Conversions the FX desk made during the won run. */
  deskConversions: number | null;
}

function percentiles(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Runs `count` jobs from `clients` concurrent loops, client i on customer i. */
async function fromClients<T>(customers: FxCustomer[], count: number, job: (customer: FxCustomer) => Promise<T>) {
  let next = 0;
  const results: T[] = [];
  await Promise.all(
    customers.map(async (customer) => {
      while (next < count) {
        next++;
        results.push(await job(customer));
      }
    }),
  );
  return results;
}

/** Order id → (placed, FILLED) on the database's clock. */
async function orderTimes(system: TestSystem, ids: string[]) {
  return system.db.prisma.$queryRaw<{ placed: Date; ended: Date | null }[]>`
    SELECT o.created_at AS placed, (SELECT min(e.created_at) FROM order_events e WHERE e.order_id = o.id AND o.status = 'FILLED'
                                      AND e.kind = 'FILLED') AS ended
      FROM orders o WHERE o.id = ANY(${ids}::uuid[])`;
}

async function dollarBuys(system: TestSystem, customers: FxCustomer[], count: number): Promise<Row> {
  const started = performance.now();
  const ids = await fromClients(
    customers,
    count,
    async (customer) => (await customer.api.orders.place({ ...TICKET })).id,
  );
  const placeSeconds = (performance.now() - started) / 1000;
  let times: { placed: Date; ended: Date | null }[] = [];
  await waitUntil(
    async () => {
      times = await orderTimes(system, ids);
      return times.every((time) => time.ended !== null);
    },
    600_000,
    "every dollar buy FILLED",
  );
  return summarize("dollars: placed → FILLED", times, placeSeconds, null);
}

async function wonBuys(system: TestSystem, customers: FxCustomer[], count: number): Promise<Row> {
  const deskBefore = await deskConversions(system);
  const started = performance.now();
  const ids = await fromClients(customers, count, async (customer) => {
    const preview = await customer.api.fx.previewBuyWithWon({ ...TICKET });
    const saga = await customer.api.fx.buyWithWon({
      order: { ...TICKET },
      quoteId: preview.quote.quoteId,
      maxWon: preview.wonNeeded,
      idempotencyKey: randomUUID(),
    });
    return saga.id;
  });
  const placeSeconds = (performance.now() - started) / 1000;
  let times: { placed: Date; ended: Date | null; status: string }[] = [];
  await waitUntil(
    async () => {
      times = await system.db.prisma.$queryRaw`
        SELECT created_at AS placed, CASE WHEN status = 'COMPLETED' THEN updated_at END AS ended, status
          FROM sagas WHERE id = ANY(${ids}::uuid[])`;
      return times.every((time) => !["RUNNING", "WAITING", "COMPENSATING"].includes(time.status));
    },
    600_000,
    "every won buy's saga ended",
  );
  const notCompleted = times.filter((time) => time.status !== "COMPLETED");
  if (notCompleted.length)
    throw new Error(
      `${notCompleted.length} won buys did not complete: ${[...new Set(notCompleted.map((t) => t.status))]}`,
    );
  const conversions = (await deskConversions(system)) - deskBefore;
  return summarize("won: placed → saga COMPLETED", times, placeSeconds, conversions);
}

/** Conversions the desk has made: one per won buy, or the run converted twice somewhere. */
async function deskConversions(system: TestSystem): Promise<number> {
  const stats = (await (await fetch(`${system.env.FX_DESK_URL}/stats`)).json()) as { conversions: number };
  return stats.conversions;
}

function summarize(
  kind: string,
  times: { placed: Date; ended: Date | null }[],
  placeSeconds: number,
  deskConversions: number | null,
): Row {
  const first = Math.min(...times.map((time) => time.placed.getTime()));
  const last = Math.max(...times.map((time) => time.ended!.getTime()));
  const totalSeconds = (last - first) / 1000;
  return {
    kind,
    orders: times.length,
    placeSeconds,
    totalSeconds,
    perSecond: times.length / totalSeconds,
    latency: percentiles(times.map((time) => time.ended!.getTime() - time.placed.getTime())),
    deskConversions,
  };
}

async function run(brokers: string): Promise<Row[]> {
  process.env.LOG_LEVEL ??= "error";
  const system = await startSystem({
    inProcessWorker: false,
    ...(TRANSPORT === "kafka" ? { kafka: { brokers, sweepAfterMs: 600_000 } } : {}),
  });
  try {
    await system.spawnWorker({ LOG_LEVEL: "error", SAGA_POLL_MS, SAGA_RETRY_BASE_MS: "100" });
    const dollarCustomers: FxCustomer[] = [];
    const wonCustomers: FxCustomer[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      dollarCustomers.push(await fxCustomer(system, "0", "100000000"));
      wonCustomers.push(await fxCustomer(system, "100000000000"));
    }
    // Warm-up: one of each through to the end (Kafka's consumer groups joined, connections open, code loaded).
    await dollarBuys(system, dollarCustomers.slice(0, 1), 1);
    await wonBuys(system, wonCustomers.slice(0, 1), 1);
    return [await dollarBuys(system, dollarCustomers, ORDERS), await wonBuys(system, wonCustomers, ORDERS)];
  } finally {
    await system.close();
  }
}

async function main(): Promise<void> {
  const pgbench = await pgbenchOnScratchDatabase();
  const rows = TRANSPORT === "kafka" ? await withKafkaBrokers((brokers) => run(brokers)) : await run("");
  const database = process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite";
  const lock = process.env.REDIS_URL ? "Redis" : "database leases";
  console.log(
    `\nbuys paid in won ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB; ${database}; lock: ${lock}; transport: ${TRANSPORT}`,
  );
  console.log(
    `${ORDERS} buys of each kind (AAPL 1 @ limit ${TICKET.limitPrice}, fills at once) from ${CLIENTS} clients, one account each; one worker process (every role), SAGA_POLL_MS ${SAGA_POLL_MS}\n`,
  );
  console.log(`| kind | orders | placed in | end to end / s | × pgbench | p50 / p95 / p99 ms | FX desk conversions |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|`);
  for (const row of rows)
    console.log(
      `| ${row.kind} | ${row.orders} | ${row.placeSeconds.toFixed(1)} s | ${row.perSecond.toFixed(1)} | ${ratioTo(pgbench, row.perSecond)} | ${row.latency.p50.toFixed(0)} / ${row.latency.p95.toFixed(0)} / ${row.latency.p99.toFixed(0)} | ${row.deskConversions ?? "–"} |`,
    );
  const [dollars, won] = rows;
  console.log(
    `\nwon / dollars: ${(won!.perSecond / dollars!.perSecond).toFixed(2)}× the throughput, ${(won!.latency.p50 / dollars!.latency.p50).toFixed(1)}× the median latency`,
  );
  console.log(`\n${pgbench.note}`);
}

runBenchmark(main);
