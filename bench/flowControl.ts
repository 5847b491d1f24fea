// What flow control toward the brokers costs (packages/core/src/flow/): first per call, in this process, against a
// broker that answers at once, so that nothing but flow control is timed; then orders per second end to end, through
// the gateway and the broker simulator, with flow control on (the defaults) and off.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:flow
//   BENCH_CALLS=5000 BENCH_ORDERS=1000 BENCH_CLIENTS=8   (defaults) calls per cost row; orders and placing clients per mode
//   BENCH_REDIS_DB=9                                     (default) the Redis database the benchmark uses (see below)
// Executions are not measured with flow control on and off: flow control wraps only the order calls (submit, cancel,
// lookup); the execution path (webhook → receiver → ledger) never passes through it (bench:pipeline measures that).
// pgbench's TPS on the same server is measured first and printed beside the figures (bench/pgbench.ts).
import type { Socket } from "node:net";
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { Redis } from "ioredis";
import {
  AccountBusyError,
  FlowControl,
  loadConfig,
  redisBreaker,
  redisCallMetrics,
  redisRateLimit,
  type AccountRef,
  type FlowSettings,
} from "@meridian/core";
import {
  createBrokerRegistry,
  databaseCallLog,
  type BrokerAdapter,
  type BrokerCallLog,
  type BrokerOrderRequest,
  type SubmitResult,
} from "@meridian/core/broker";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { postgresBackendsCpuMs, postgresCpuMsBetween } from "./cpuTime";
import { pgbenchOnScratchDatabase, ratioTo, type PgbenchResult } from "./pgbench";
import { countingStatements } from "./statements";
import { runGateway } from "../apps/worker/src/roles/consumers";
import { runRecovery } from "../apps/worker/src/roles/recovery";
import { startSystem, waitUntil, type TestSystem } from "../apps/worker/test/system";
import { runBenchmark } from "./run";

const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const CALLERS = [1, 16];
const WARM_UP_CALLS = 1000;
const WARM_UP_ORDERS = 60;
/** The fake broker's id: its own breaker and counters in Redis, apart from atlas's and harbor's. */
const FAKE_BROKER = `bench-flow-${process.pid}`;
const DEMO_ACCOUNTS = ["alice@demo.meridian", "bob@demo.meridian", "chloe@demo.meridian"];
const RESTING_BUY = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "1.00" } as const;

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error("Set DATABASE_URL and REDIS_URL: this benchmark measures flow control shared through Redis.");
  process.exit(2);
}

// The breaker, rate limit and metrics keys are named by broker id alone (meridian:flow:breaker:atlas, …), so a test
// suite running beside the benchmark on the same Redis would share atlas's breaker and its calls-per-second budget.
// The benchmark therefore uses a Redis database of its own.
const REDIS_URL = (() => {
  const url = new URL(process.env.REDIS_URL);
  url.pathname = `/${process.env.BENCH_REDIS_DB ?? 9}`;
  return url.toString();
})();

// ---- Part 1: what flow control costs one call, in this process ----------------------------------------------------

/** A broker that accepts every order at once, without I/O: whatever a call costs around it is flow control's. */
class InstantBroker implements BrokerAdapter {
  readonly brokerId = FAKE_BROKER;
  readonly capabilities = { lookupByClientOrderId: true };
  private readonly accepted: SubmitResult = { outcome: "ACCEPTED", brokerOrderId: "B-1" };
  submitOrder = async () => this.accepted;
  cancelOrder = async () => ({ outcome: "NOT_FOUND" as const });
  lookupOrder = async () => null;
  getQuotes = async () => [];
}

const REQUEST = {
  clientOrderId: "00000000-0000-4000-8000-000000000001",
  accountRef: "bench",
  ...RESTING_BUY,
} satisfies BrokerOrderRequest;

/** Counts writes to the connection's socket: ioredis writes each command, and each pipeline or MULTI, in one write. */
function countRoundTrips(redis: Redis): { readonly count: number } {
  const stream = redis.stream as Socket;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const counter = { count: 0 };
  stream.write = ((...args: unknown[]) => {
    counter.count++;
    return write(...args);
  }) as Socket["write"];
  return counter;
}

interface CostRow {
  what: string;
  callers: number;
  wallUs: number;
  cpuUs: number;
  redisTrips: number;
  statements: number;
}

/**
 * Mean wall and Node CPU time of `call` over CALLS calls from `callers` concurrent callers, after a warm-up. The clock
 * stops only once Redis has answered everything sent (a PING queues behind the fire-and-forget metrics and breaker
 * records), so work a call leaves behind is counted in it.
 */
async function measureCalls(
  what: string,
  callers: number,
  redis: Redis,
  trips: { readonly count: number },
  call: () => Promise<unknown>,
): Promise<CostRow> {
  for (let i = 0; i < WARM_UP_CALLS; i++) await call();
  await redis.ping();
  const tripsBefore = trips.count;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { statements } = await countingStatements(async () => {
    let issued = 0;
    const caller = async () => {
      while (issued++ < CALLS) await call();
    };
    await Promise.all(Array.from({ length: callers }, caller));
    await redis.ping();
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    what,
    callers,
    wallUs: ((performance.now() - started) * 1000) / CALLS,
    cpuUs: (cpu.user + cpu.system) / CALLS,
    redisTrips: (trips.count - tripsBefore - 1) / CALLS, // less the closing PING
    statements: statements / CALLS,
  };
}

/**
 * Flow control around the fake broker as a gateway builds it, but never limiting: the calls-per-second limit far above
 * anything sent (it is still counted, one slot increment per call, as at any finite limit) and the pool fixed at 64
 * (the fake broker's 0 ms baseline would read any 1 ms call as congestion and shrink an adaptive one).
 */
function flowAround(db: TestDatabase, redis: Redis | null, callLog: BrokerCallLog | undefined): BrokerAdapter {
  const defaults = loadConfig({}).brokers.flow;
  const settings: FlowSettings = {
    ...defaults,
    tps: { [FAKE_BROKER]: 1_000_000 },
    pool: { min: 64, max: 64, maxQueue: 10_000 },
  };
  const logger = pino({ level: "silent" });
  const flow = new FlowControl({ prisma: db.prisma, redis, settings, logger, callLog, callTimeoutMs: 5000 });
  return flow.wrap(new InstantBroker());
}

async function costRows(db: TestDatabase, redis: Redis): Promise<CostRow[]> {
  const trips = countRoundTrips(redis);
  const callLog = databaseCallLog(db.prisma);
  const settings = loadConfig({}).brokers.flow;
  const metrics = redisCallMetrics(redis);
  const breaker = redisBreaker(redis, settings.breaker);
  const rateLimit = redisRateLimit(redis, { [FAKE_BROKER]: 1_000_000 });
  const submit = (broker: BrokerAdapter) => () => broker.submitOrder(REQUEST);
  const variants: [string, () => Promise<unknown>][] = [
    ["bare adapter", submit(new InstantBroker())],
    ["flow control, in memory, no call log", submit(flowAround(db, null, undefined))],
    ["flow control, Redis, no call log", submit(flowAround(db, redis, undefined))],
    ["flow control, in memory, broker_calls log", submit(flowAround(db, null, callLog))],
    ["flow control, Redis, broker_calls log (as the gateway runs)", submit(flowAround(db, redis, callLog))],
    ["alone: broker_calls log (start + finish)", () => logOneCall(callLog)],
    ["alone: Redis call metrics record()", () => metrics.record(sampleCall())],
    ["alone: Redis breaker acquire + record", () => acquireAndRecord(breaker)],
    ["alone: Redis rate limit acquire", () => rateLimit.acquire(FAKE_BROKER)],
  ];
  const rows: CostRow[] = [];
  for (const [what, call] of variants)
    for (const callers of CALLERS) rows.push(await measureCalls(what, callers, redis, trips, call));
  await redis.del(`meridian:flow:breaker:${FAKE_BROKER}:machine`, `meridian:flow:breaker:${FAKE_BROKER}:window`);
  return rows;
}

async function logOneCall(callLog: BrokerCallLog): Promise<void> {
  const id = await callLog.start(FAKE_BROKER, "submit");
  if (id) await callLog.finish(id, "ACCEPTED", 0);
}

function sampleCall() {
  const now = Date.now();
  return { brokerId: FAKE_BROKER, operation: "submit", enqueuedAt: now, startedAt: now, endedAt: now, ok: true };
}

async function acquireAndRecord(breaker: ReturnType<typeof redisBreaker>): Promise<void> {
  const permission = await breaker.acquire(FAKE_BROKER);
  if (permission.allowed) await breaker.record(FAKE_BROKER, permission, { ok: true, durationMs: 0 });
}

// ---- Part 2: orders per second end to end, flow control on and off ------------------------------------------------

interface Mode {
  name: string;
  /** Settings the worker reads (startSystem passes process.env on). */
  env: Record<string, string>;
  /** Replace the gateway's brokers with the plain HTTP adapters: no flow control and no broker_calls log. */
  bare?: boolean;
}

const NOT_LIMITING = {
  BROKER_TPS: "atlas=0,harbor=0",
  BROKER_MIN_CONCURRENT: "1024",
  BROKER_MAX_CONCURRENT: "1024",
  BROKER_MAX_QUEUE: "10000",
  BROKER_BREAKER_MIN_CALLS: "1000000",
};

const MODES: Mode[] = [
  { name: "off: bare HTTP adapter", env: {}, bare: true },
  { name: "off: flow control not limiting", env: NOT_LIMITING },
  { name: "on: defaults", env: {} },
];

interface OrdersRow {
  mode: string;
  /** flood: placed while the gateway runs; backlog: placed first, then drained by the gateway alone. */
  load: "flood" | "backlog";
  placeSeconds: number;
  acceptedPerSecond: number;
  /** Placement → ACCEPTED (flood only: in a backlog it is mostly the wait for the gateway to start). */
  p50Ms: number | null;
  p99Ms: number | null;
  nodeCpuMs: number;
  postgresCpuMs: number;
  /** atlas's adaptive pool once every order was accepted: limit and latency baseline ("–" without flow control). */
  pool: string;
  /** broker_calls rows by outcome, e.g. "ACCEPTED 1000, NOT_SENT 12". */
  calls: string;
}

/** Runs `work` with these variables in process.env, restored after. */
async function withEnv<T>(overrides: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(overrides).map((name) => [name, process.env[name]]));
  Object.assign(process.env, overrides);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  }
}

/** Each mode starts from a closed breaker and the configured limits (a lever or an opening left by a run before). */
async function resetSharedFlowState(redis: Redis): Promise<void> {
  const keys = ["atlas", "harbor"].flatMap((broker) => [
    `meridian:flow:breaker:${broker}:machine`,
    `meridian:flow:breaker:${broker}:window`,
    `meridian:flow:tps:${broker}`,
  ]);
  await redis.del(...keys);
}

/**
 * The worker's gateway role in this process, with recovery beside it as the worker runs them (recovery queues the
 * retry of an order whose call was not sent); started and stopped at will (the polling transport needs no start).
 */
function gatewayRole(system: TestSystem) {
  let running: { stopped: AbortController; done: Promise<unknown> } | null = null;
  return {
    start() {
      const stopped = new AbortController();
      const { services, transport } = system;
      const done = Promise.all([
        runGateway(services, transport, services.retryPolicy, stopped.signal),
        runRecovery(services, stopped.signal, 200),
      ]);
      running = { stopped, done };
    },
    async stop() {
      running?.stopped.abort();
      await running?.done;
      running = null;
    },
  };
}

/** Places `count` resting buys from CLIENTS concurrent callers over the demo accounts; an account busy is tried again. */
async function placeAll(system: TestSystem, accounts: AccountRef[], count: number): Promise<string[]> {
  const ids: string[] = [];
  let issued = 0;
  const client = async () => {
    while (issued < count) {
      const account = accounts[issued++ % accounts.length]!;
      for (let attempt = 1; ; attempt++) {
        try {
          ids.push((await system.place(account, RESTING_BUY)).id);
          break;
        } catch (error) {
          if (!(error instanceof AccountBusyError) || attempt === 5) throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return ids;
}

function allAccepted(system: TestSystem, ids: string[]): Promise<void> {
  const accepted = () => system.db.prisma.order.count({ where: { id: { in: ids }, status: "ACCEPTED" } });
  return waitUntil(async () => (await accepted()) === ids.length, 300_000, "every order ACCEPTED");
}

/** Placement → ACCEPTED (the answer's transaction), and orders accepted per second from `since` (the database's clock). */
async function acceptance(system: TestSystem, ids: string[], since: Date | null) {
  const [row] = await system.db.prisma.$queryRaw<{ p50: number; p99: number; seconds: number }[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
           extract(epoch FROM max(accepted_at) - coalesce(${since}::timestamptz, min(created_at))) AS seconds
      FROM (SELECT o.created_at, e.created_at AS accepted_at,
                   extract(epoch FROM e.created_at - o.created_at) * 1000 AS ms
              FROM orders o JOIN order_events e ON e.order_id = o.id AND e.to_status = 'ACCEPTED'
             WHERE o.id = ANY(${ids}::uuid[])) t`;
  return { p50Ms: Number(row!.p50), p99Ms: Number(row!.p99), perSecond: ids.length / Number(row!.seconds) };
}

async function callOutcomes(system: TestSystem, ids: string[]): Promise<string> {
  const rows = await system.db.prisma.$queryRaw<{ outcome: string | null; calls: bigint }[]>`
    SELECT outcome, count(*) AS calls FROM broker_calls WHERE order_id = ANY(${ids}::uuid[])
     GROUP BY outcome ORDER BY count(*) DESC`;
  return rows.map((row) => `${row.outcome ?? "unfinished"} ${row.calls}`).join(", ") || "none logged";
}

interface Load {
  ids: string[];
  placeSeconds: number;
  /** When the gateway started on a backlog; null for a flood (timed from the first placement). */
  drainedSince: Date | null;
  nodeCpuMs: number;
  postgresCpuMs: number;
}

/** `work`, with the CPU this process and the database's backends used while it ran, in ms. */
async function withCpu(system: TestSystem, work: () => Promise<Omit<Load, "nodeCpuMs" | "postgresCpuMs">>) {
  const postgresBefore = await postgresBackendsCpuMs(system.db.prisma);
  const nodeBefore = process.cpuUsage();
  const load = await work();
  const node = process.cpuUsage(nodeBefore);
  const postgresCpuMs = postgresCpuMsBetween(postgresBefore, await postgresBackendsCpuMs(system.db.prisma));
  return { ...load, nodeCpuMs: (node.user + node.system) / 1000, postgresCpuMs };
}

/** Orders placed while the gateway runs: the rate a customer sees, bounded by placing or by the gateway. */
function flood(system: TestSystem, accounts: AccountRef[]): Promise<Load> {
  return withCpu(system, async () => {
    const started = performance.now();
    const ids = await placeAll(system, accounts, ORDERS);
    const placeSeconds = (performance.now() - started) / 1000;
    await allAccepted(system, ids);
    return { ids, placeSeconds, drainedSince: null };
  });
}

/** Orders placed with the gateway stopped, then drained by it alone: the gateway's own rate (CPU: the drain's). */
async function backlog(system: TestSystem, accounts: AccountRef[], gateway: ReturnType<typeof gatewayRole>) {
  await gateway.stop();
  const started = performance.now();
  const ids = await placeAll(system, accounts, ORDERS);
  const placeSeconds = (performance.now() - started) / 1000;
  const [clock] = await system.db.prisma.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
  return withCpu(system, async () => {
    gateway.start();
    await allAccepted(system, ids);
    return { ids, placeSeconds, drainedSince: clock!.now };
  });
}

function poolOf(system: TestSystem): string {
  const pool = system.services.flow.pool("atlas");
  return `${pool.limit} (${pool.aimd.baselineMs ?? "–"} ms)`;
}

async function rowOf(system: TestSystem, mode: Mode, load: Load): Promise<OrdersRow> {
  const { p50Ms, p99Ms, perSecond } = await acceptance(system, load.ids, load.drainedSince);
  const flooded = load.drainedSince === null;
  return {
    mode: mode.name,
    load: flooded ? "flood" : "backlog",
    placeSeconds: load.placeSeconds,
    acceptedPerSecond: perSecond,
    p50Ms: flooded ? p50Ms : null,
    p99Ms: flooded ? p99Ms : null,
    nodeCpuMs: load.nodeCpuMs / load.ids.length,
    postgresCpuMs: load.postgresCpuMs / load.ids.length,
    pool: mode.bare ? "–" : poolOf(system),
    calls: await callOutcomes(system, load.ids),
  };
}

/** One system per mode (fresh database, broker simulator), a warm-up, then a flood and a backlog. */
async function ordersRows(mode: Mode, redis: Redis): Promise<OrdersRow[]> {
  await resetSharedFlowState(redis);
  const system = await withEnv({ ...mode.env, REDIS_URL, LOG_LEVEL: process.env.LOG_LEVEL ?? "error" }, () =>
    startSystem({ brokerTimeoutMs: 5000, inProcessWorker: false }),
  );
  // The gateway reads services.brokers at each call, so swapping the registry takes flow control out of its path.
  if (mode.bare) system.services.brokers = createBrokerRegistry(system.services.config.brokers);
  const gateway = gatewayRole(system);
  gateway.start();
  try {
    const accounts = await Promise.all(DEMO_ACCOUNTS.map((email) => system.account(email)));
    await system.services.quotes.all();
    // Through to ACCEPTED, so the clock starts with connections open and the code compiled.
    await allAccepted(system, await placeAll(system, accounts, WARM_UP_ORDERS));
    const flooded = await rowOf(system, mode, await flood(system, accounts));
    return [flooded, await rowOf(system, mode, await backlog(system, accounts, gateway))];
  } finally {
    await gateway.stop();
    await system.close();
  }
}

// ---- The printout -----------------------------------------------------------------------------------------------

function printCosts(rows: CostRow[]): void {
  console.log(`\nper call, against a broker that answers at once; ${CALLS} calls per row after ${WARM_UP_CALLS}\n`);
  console.log(
    "| what | callers | wall µs / call | Node CPU µs / call | Redis round trips / call | SQL statements / call |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const row of rows)
    console.log(
      `| ${row.what} | ${row.callers} | ${row.wallUs.toFixed(0)} | ${row.cpuUs.toFixed(0)} | ${row.redisTrips.toFixed(2)} | ${row.statements.toFixed(2)} |`,
    );
}

function printOrders(rows: OrdersRow[], pgbench: PgbenchResult): void {
  console.log(
    `\n${ORDERS} resting limit buys (AAPL, 1 @ 1.00) per load from ${CLIENTS} clients over ${DEMO_ACCOUNTS.length} demo ` +
      `accounts, through the gateway (polling, in this process) to the broker simulator, until all are ACCEPTED. ` +
      `flood: placed while the gateway runs (CPU: placing and gateway); backlog: placed first, then drained by the ` +
      `gateway alone (CPU: the drain). Flow control off: the plain HTTP adapter (no broker_calls log either), or ` +
      `flow control with no calls-per-second limit, a fixed pool of 1,024 and a breaker that never judges; on: the ` +
      `defaults (atlas ${loadConfig({}).brokers.flow.tps.atlas}/s, adaptive pool 2–64, breaker), shared through Redis\n`,
  );
  console.log(
    "| flow control | load | placed in | ACCEPTED / s | × pgbench | placement → ACCEPTED p50 / p99 ms | CPU ms / order: Node | PostgreSQL | atlas pool limit (baseline) | broker_calls by outcome |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const row of rows) {
    const latency = row.p50Ms === null ? "–" : `${row.p50Ms.toFixed(0)} / ${row.p99Ms!.toFixed(0)}`;
    console.log(
      `| ${row.mode} | ${row.load} | ${row.placeSeconds.toFixed(1)} s | ${row.acceptedPerSecond.toFixed(0)} | ${ratioTo(pgbench, row.acceptedPerSecond)} | ` +
        `${latency} | ${row.nodeCpuMs.toFixed(1)} | ${row.postgresCpuMs.toFixed(1)} | ${row.pool} | ${row.calls} |`,
    );
  }
  console.log(
    "\nexecutions per second: unchanged by flow control, which wraps only order calls (submit, cancel, lookup); " +
      "see bench:pipeline",
  );
}

async function main(): Promise<void> {
  const pgbench = await pgbenchOnScratchDatabase();
  const redis = new Redis(REDIS_URL);
  await redis.ping();
  const db = await createTestDatabase({ seed: false });
  let costs: CostRow[];
  try {
    costs = await costRows(db, redis);
  } finally {
    await db.drop();
  }
  const orders: OrdersRow[] = [];
  for (const mode of MODES) orders.push(...(await ordersRows(mode, redis)));
  await redis.quit();

  console.log(
    `\nflow control benchmark ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB; PostgreSQL (DATABASE_URL); Redis database ${new URL(REDIS_URL).pathname.slice(1)}`,
  );
  printCosts(costs);
  printOrders(orders, pgbench);
  console.log(`\n${pgbench.note}`);
}

runBenchmark(main);
