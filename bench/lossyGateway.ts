// How long an order waits for the gateway when the broker link is lossy: broker "atlas" processes every submit but
// drops 30% of its answers (the gateway waits out its 5 s timeout, then retries with the same order id). Orders are
// placed at a steady rate on a few accounts; for each order, the time from its creation (our commit) to the broker
// creating it (the first submit that reached the broker, as the simulator records it). Orders whose first submit was
// answered and orders whose first answer was dropped are shown apart: the first must not wait behind the second.
//   npm run bench:lossy                         (KAFKA_BROKERS, DATABASE_URL, REDIS_URL are used when set;
//                                                without KAFKA_BROKERS a Kafka node of its own is started)
//   BENCH_RATE=20 BENCH_SECONDS=20              (defaults) orders placed per second, for how long
//   BENCH_DROP=0.3 BROKER_MAX_CONCURRENT=…       the drop rate; the broker bulkhead (the worker's default unless set)
//   BENCH_TRANSPORTS=kafka,polling              (default) which transports to run
// pgbench's TPS on the same server is measured first and printed beside the figures (bench/pgbench.ts).
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { sleep } from "@meridian/core/sleep";
import { AccountBusyError, type AccountRef } from "@meridian/core";
import { withKafkaBrokers } from "./kafkaBrokers";
import { pgbenchOnScratchDatabase } from "./pgbench";
import { createFundedAccount } from "../apps/worker/test/accounts";
import { startSystem, waitUntil, type TestSystem } from "../apps/worker/test/system";
import { runBenchmark } from "./run";

const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const DROP = Number(process.env.BENCH_DROP ?? 0.3);
const ACCOUNTS = 8;
const BROKER_TIMEOUT_MS = 5000;

interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

interface Row {
  transport: string;
  placed: number;
  placeSeconds: number;
  answered: Latency;
  dropped: Latency;
  allReachedSeconds: number;
  /** Places that found the account busy and were tried again. */
  busyRetries: number;
}

function percentiles(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Order id → when the broker created the order (its first submit that got through). */
async function brokerCreatedAt(system: TestSystem): Promise<Map<string, number>> {
  const orders = (await (await system.broker("atlas", "/orders")).json()) as {
    clientOrderId: string;
    createdAt: string;
  }[];
  return new Map(orders.map((order) => [order.clientOrderId, Date.parse(order.createdAt)]));
}

async function run(transport: "kafka" | "polling", brokers: string): Promise<Row> {
  process.env.LOG_LEVEL ??= "error";
  // GATEWAY_CONCURRENCY as the worker reads it (startSystem wires the transport itself).
  const inFlight = process.env.GATEWAY_CONCURRENCY ? { gateway: Number(process.env.GATEWAY_CONCURRENCY) } : undefined;
  const system = await startSystem({
    brokerTimeoutMs: BROKER_TIMEOUT_MS,
    ...(transport === "kafka" ? { kafka: { brokers, sweepAfterMs: 600_000, inFlight } } : { polling: { inFlight } }),
  });
  try {
    if (transport === "kafka") await waitUntil(() => system.transport.status().mode === "kafka", 30_000, "Kafka mode");
    let created = new Map<string, number>();
    const accounts: AccountRef[] = [];
    for (let i = 1; i <= ACCOUNTS; i++)
      accounts.push(
        await createFundedAccount(system.db.prisma, `LOSSY-${transport}-${i}`, {
          cash: "100000000.00",
          points: "0",
          holdings: {},
        }),
      );
    await system.services.quotes.all();
    // Warm-up, link healthy: one order per account through to the broker, so that the clock starts with the consumer
    // groups joined (Kafka delays a new group's first rebalance by 3 s) and not on the first connections.
    const warmUp = await Promise.all(
      accounts.map((account) =>
        system.place(account, { symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "1" }).then((order) => order.id),
      ),
    );
    await waitUntil(
      async () => {
        created = await brokerCreatedAt(system);
        return warmUp.every((id) => created.has(id));
      },
      60_000,
      "the warm-up orders reached the broker",
    );
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ dropResponseRate: DROP }) });

    // One order every 1/RATE s, each placed whether or not the last one has returned (the customer never waits on
    // the broker, so placing is quick; a slow place would show as placeSeconds over SECONDS).
    const total = RATE * SECONDS;
    let busyRetries = 0;
    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: total }, async (_, index) => {
        await sleep(started + (index * 1000) / RATE - performance.now());
        // On a loaded machine an account's lock can outwait its bounded wait: the customer would try again.
        for (let attempt = 1; ; attempt++) {
          try {
            const order = await system.place(accounts[index % ACCOUNTS]!, {
              symbol: "AAPL",
              side: "BUY",
              type: "MARKET",
              quantity: "1",
            });
            return order.id;
          } catch (error) {
            if (!(error instanceof AccountBusyError) || attempt === 5) throw error;
            busyRetries++;
          }
        }
      }),
    );
    const placeSeconds = (performance.now() - started) / 1000;
    await waitUntil(
      async () => {
        created = await brokerCreatedAt(system);
        return ids.every((id) => created.has(id));
      },
      600_000,
      "every order reached the broker",
    );
    const allReachedSeconds = (performance.now() - started) / 1000;
    await system.broker("atlas", "/reset", { method: "POST" });

    const orders = await system.db.prisma.order.findMany({
      where: { id: { in: ids } },
      select: { id: true, createdAt: true },
    });
    // The outcome of each order's first submit call: TIMEOUT is an answer the broker dropped.
    const firstSubmits = await system.db.prisma.$queryRaw<{ orderId: string; outcome: string | null }[]>`
      SELECT DISTINCT ON (order_id) order_id::text AS "orderId", outcome
        FROM broker_calls WHERE operation = 'submit' AND order_id = ANY(${ids}::uuid[]) ORDER BY order_id, id`;
    const firstOutcome = new Map(firstSubmits.map((call) => [call.orderId, call.outcome]));
    const answered: number[] = [];
    const dropped: number[] = [];
    for (const order of orders) {
      const waited = created.get(order.id)! - order.createdAt.getTime();
      (firstOutcome.get(order.id) === "TIMEOUT" ? dropped : answered).push(waited);
    }
    return {
      transport,
      placed: total,
      placeSeconds,
      answered: percentiles(answered),
      dropped: percentiles(dropped),
      allReachedSeconds,
      busyRetries,
    };
  } finally {
    await system.close();
  }
}

async function main(): Promise<void> {
  await withKafkaBrokers(async (brokers, kafkaLabel) => {
    const pgbench = await pgbenchOnScratchDatabase();
    const rows: Row[] = [];
    for (const transport of (process.env.BENCH_TRANSPORTS ?? "kafka,polling").split(",") as ("kafka" | "polling")[])
      rows.push(await run(transport, brokers));
    const database = process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite";
    const lock = process.env.REDIS_URL ? "Redis" : "database leases";
    console.log(
      `\nlossy gateway benchmark ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${database}; lock: ${lock}; Kafka: ${kafkaLabel}`,
    );
    console.log(
      `${RATE} orders/s for ${SECONDS} s on ${ACCOUNTS} accounts; atlas drops ${Math.round(DROP * 100)}% of answers (timeout ${BROKER_TIMEOUT_MS / 1000} s); broker bulkhead ${process.env.BROKER_MAX_CONCURRENT ?? "default"}; gateway concurrency ${process.env.GATEWAY_CONCURRENCY ?? "default"}`,
    );
    console.log(`order created → first submit reaching the broker (ms)\n`);
    const ms = (latency: Latency) =>
      `${latency.count} | ${latency.p50.toFixed(0)} / ${latency.p95.toFixed(0)} / ${latency.p99.toFixed(0)}`;
    console.log(
      `| transport | placed in | first answer not dropped: orders | p50 / p95 / p99 | first answer dropped: orders | p50 / p95 / p99 | all reached the broker after | places retried (account busy) |`,
    );
    console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
    for (const row of rows) {
      console.log(
        `| ${row.transport} | ${row.placeSeconds.toFixed(1)} s | ${ms(row.answered)} | ${ms(row.dropped)} | ${row.allReachedSeconds.toFixed(1)} s | ${row.busyRetries} |`,
      );
    }
    // The ceiling the run is read against (orders here wait on the broker link, not on the database).
    console.log(`\n${pgbench.note}`);
  });
}

runBenchmark(main);
