// Executions per second through the whole execution pipeline — signed webhook → receiver (stored, outbox) →
// transport → ledger (inbox, fills, cash, holdings, ledger entries) — on Kafka and on polling, side by side in one run.
// Each mode gets a fresh database and the same feed: resting orders filled one share per execution.
//   npm run bench:pipeline                      (KAFKA_BROKERS, DATABASE_URL, REDIS_URL are used when set;
//                                                without KAFKA_BROKERS a Kafka node of its own is started)
//   BENCH_EXECUTIONS=2000 BENCH_CLIENTS=16      (defaults) the flood: as fast as the webhook takes them
//   BENCH_PACED=2000 BENCH_RATE=200             (defaults) then latency at a steady rate
//   BENCH_TRANSPORTS=kafka,polling              (default) which transports to run
//   BENCH_WORKER=inline                         (default) the worker's roles run in the benchmark's own process,
//                                               beside the load; "process": a worker process of its own
// pgbench's TPS on the same server is measured first and printed beside the figures (bench/pgbench.ts).
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { sleep } from "@meridian/core/sleep";
import { withKafkaBrokers } from "./kafkaBrokers";
import { pgbenchOnScratchDatabase, ratioTo } from "./pgbench";
import {
  deliverExecutions,
  executionsFor,
  placeRestingOrders,
  seededRandom,
  transportMode,
} from "../apps/worker/test/executionFeed";
import { startSystem, waitUntil, type TestSystem } from "../apps/worker/test/system";
import { runBenchmark } from "./run";

const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 2000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const PACED = Number(process.env.BENCH_PACED ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const TRANSPORTS = (process.env.BENCH_TRANSPORTS ?? "kafka,polling").split(",") as ("kafka" | "polling")[];
const WORKER = process.env.BENCH_WORKER === "process" ? "process" : "inline";
const SHARES_PER_ORDER = 20;

interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

interface Row {
  transport: string;
  executions: number;
  receiveSeconds: number;
  totalSeconds: number;
  endToEndPerSecond: number;
  flood: Latency;
  paced: Latency;
}

/** From the receipt being stored (before the broker's ack) to the ledger's inbox row (same commit as the fill). */
async function latencyOf(system: TestSystem, orderIds: string[]): Promise<Latency> {
  const [latency] = await system.db.prisma.$queryRaw<Latency[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
      FROM (SELECT extract(epoch FROM i.processed_at - r.received_at) * 1000 AS ms
              FROM execution_receipts r JOIN inbox_events i ON i.consumer = 'ledger' AND i.event_id = r.id::text
             WHERE r.order_id = ANY(${orderIds}::uuid[])) t`;
  return { p50: Number(latency!.p50), p95: Number(latency!.p95), p99: Number(latency!.p99) };
}

const applied = (system: TestSystem) => system.db.prisma.inboxEvent.count({ where: { consumer: "ledger" } });

async function run(transport: "kafka" | "polling", brokers: string): Promise<Row> {
  process.env.LOG_LEVEL ??= "error";
  const system = await startSystem({
    ...(transport === "kafka" ? { kafka: { brokers, sweepAfterMs: 600_000 } } : {}),
    inProcessWorker: WORKER === "inline",
  });
  try {
    // The worker as its own process (every role), the webhooks from another (this one).
    if (WORKER === "process") await system.spawnWorker({ LOG_LEVEL: "error" });
    if (transport === "kafka")
      await waitUntil(
        async () => (await transportMode(system).catch(() => undefined)) === "kafka",
        30_000,
        "Kafka mode",
      );
    const orders = await placeRestingOrders(
      system,
      Math.ceil((EXECUTIONS + PACED) / SHARES_PER_ORDER),
      SHARES_PER_ORDER,
      `bench-${transport}`,
    );
    const feed = executionsFor(orders, seededRandom(1));
    const flood = feed.slice(0, EXECUTIONS);
    const started = performance.now();
    await deliverExecutions(system, flood, CLIENTS);
    const receiveSeconds = (performance.now() - started) / 1000;
    await waitUntil(async () => (await applied(system)) >= flood.length, 600_000, "every execution applied");
    const totalSeconds = (performance.now() - started) / 1000;
    const floodLatency = await latencyOf(system, [...new Set(flood.map((call) => call.orderId))]);

    // Steady load: one webhook every 1/RATE s, each sent whether or not the last one was answered.
    const paced = feed.slice(EXECUTIONS, EXECUTIONS + PACED);
    const pacedStart = performance.now();
    await Promise.all(
      paced.map(async (call, index) => {
        await sleep(pacedStart + (index * 1000) / RATE - performance.now());
        await deliverExecutions(system, [call], 1);
      }),
    );
    await waitUntil(
      async () => (await applied(system)) >= flood.length + paced.length,
      600_000,
      "every paced execution applied",
    );
    const pacedOrders = [...new Set(paced.map((call) => call.orderId))].filter(
      (id) => !flood.some((call) => call.orderId === id),
    );
    return {
      transport,
      executions: flood.length,
      receiveSeconds,
      totalSeconds,
      endToEndPerSecond: flood.length / totalSeconds,
      flood: floodLatency,
      paced: await latencyOf(system, pacedOrders),
    };
  } finally {
    await system.close();
  }
}

async function main(): Promise<void> {
  await withKafkaBrokers(async (brokers, kafkaLabel) => {
    const pgbench = await pgbenchOnScratchDatabase();
    const rows: Row[] = [];
    for (const transport of TRANSPORTS) rows.push(await run(transport, brokers));
    const database = process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite";
    const lock = process.env.REDIS_URL ? "Redis" : "database leases";
    console.log(
      `\npipeline benchmark ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${database}; lock: ${lock}; Kafka: ${kafkaLabel}`,
    );
    console.log(
      `flood: ${EXECUTIONS} executions (1 share each, ${SHARES_PER_ORDER} per order, 8 accounts) from ${CLIENTS} webhook clients; then ${PACED} at ${RATE}/s; worker: ${WORKER === "process" ? "a process of its own" : "in the benchmark's process"}\n`,
    );
    const ms = (latency: Latency) =>
      `${latency.p50.toFixed(0)} / ${latency.p95.toFixed(0)} / ${latency.p99.toFixed(0)}`;
    console.log(
      `| transport | flood: webhooks acked in | flood: all applied in | executions/s end to end | × pgbench | flood latency p50 / p95 / p99 (ms) | at ${RATE}/s: latency p50 / p95 / p99 (ms) |`,
    );
    console.log(`|---|---:|---:|---:|---:|---:|---:|`);
    for (const row of rows) {
      console.log(
        `| ${row.transport} | ${row.receiveSeconds.toFixed(1)} s | ${row.totalSeconds.toFixed(1)} s | ${row.endToEndPerSecond.toFixed(0)} | ${ratioTo(pgbench, row.endToEndPerSecond)} | ${ms(row.flood)} | ${ms(row.paced)} |`,
      );
    }
    console.log(`\n${pgbench.note}`);
  });
}

runBenchmark(main);
