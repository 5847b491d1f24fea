// orders.place through the customer's door: HTTP → Next.js (`next start`, the production build) → tRPC → session →
// placeOrder, driven by autocannon at 8 and 32 clients, each client with its own signed-in session, on distinct accounts
// and on one hot account. Beside each row the same cell called in-process (bench/inProcessPlace.ts) and the same
// server's pgbench TPS, so the cost of HTTP, Next.js, tRPC and the session lookup is read off one run.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:http
//   BENCH_ORDERS=600 (orders per row)   --rebuild (run `next build` even when apps/web has a build)
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import type { AccountRef } from "@meridian/core";
import { loadConfig } from "@meridian/core/config";
import type { PrismaClient } from "@meridian/db";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { createFundedAccount } from "../apps/worker/test/accounts";
import { postgresBackendsCpuMs, postgresCpuMsBetween, processCpuMs } from "./cpuTime";
import { inProcessCell, inProcessServices, LIMIT_BUY, summarize, type CellResult } from "./inProcessPlace";
import { pgbenchTps, ratioTo } from "./pgbench";
import { ensureWebBuild, signIn, startWebServer, type WebServer } from "./webServer";

const ORDERS_PER_ROW = Number(process.env.BENCH_ORDERS ?? 600);
const CONCURRENCY = [8, 32];
const PASSWORD = "unused"; // createFundedAccount's

const { DATABASE_URL, REDIS_URL } = process.env;
if (!DATABASE_URL || !REDIS_URL) {
  console.error(
    "Set DATABASE_URL and REDIS_URL: this benchmark measures the production path (PostgreSQL + Redis lock) and " +
      "creates (then drops) a database of its own on DATABASE_URL's server.",
  );
  process.exit(2);
}
const { values: flags } = parseArgs({ options: { rebuild: { type: "boolean", default: false } } });

interface HttpResult {
  /** Null when the orders in the database do not match the 2xx answers: no figure is printed then. */
  cell: CellResult | null;
  non2xx: number;
  /** Connection errors and timeouts: requests that got no answer at all. */
  unanswered: number;
  problem?: string;
}

/**
 * `orders` orders.place requests from `clients` connections, connection i with `cookies[i]`, sent as the browser's
 * tRPC client sends them (httpBatchLink without a transformer: POST /api/trpc/orders.place?batch=1, JSON body
 * `{"0": input}`, a fresh idempotency key per press). Every 2xx answer must name an order, and the database must then
 * hold exactly those orders more than before.
 */
async function httpCell(web: WebServer, prisma: PrismaClient, cookies: string[], orders: number): Promise<HttpResult> {
  const clients = cookies.length;
  const before = await prisma.order.count();
  const placedIds: string[] = [];
  const latencies: number[] = [];
  const failures = new Map<number, number>();
  let firstFailure = "";
  let nextClient = 0;
  const headers = { "content-type": "application/json", accept: "*/*", origin: web.url };
  const started = performance.now();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${web.url}/api/trpc/orders.place?batch=1`,
        method: "POST",
        connections: clients,
        amount: orders,
        timeout: 30,
        headers,
        // One signed-in customer per connection, as one browser per person.
        setupClient: (client) => client.setHeaders({ ...headers, cookie: cookies[nextClient++ % clients] }),
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({ 0: { ...LIMIT_BUY, payFeeWithPoints: false, idempotencyKey: randomUUID() } }),
            }),
            onResponse: (status, body) => {
              const orderId = status === 200 ? orderIdOf(body) : null;
              if (orderId) placedIds.push(orderId);
              else {
                failures.set(status, (failures.get(status) ?? 0) + 1);
                firstFailure ||= `${status} ${body.slice(0, 300)}`;
              }
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      lastAnswer = performance.now();
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const non2xx = [...failures.values()].reduce((sum, count) => sum + count, 0);
  const unanswered = result.errors + result.timeouts;
  const created = (await prisma.order.count()) - before;
  const found = await prisma.order.count({ where: { id: { in: placedIds } } });
  const problems = [
    ...(found !== placedIds.length ? [`${placedIds.length} orders answered, ${found} of them in the database`] : []),
    ...(created !== placedIds.length ? [`${created} orders created, ${placedIds.length} answered with an order`] : []),
    ...(firstFailure ? [`first failure: ${firstFailure}`] : []),
  ];
  const verified = found === placedIds.length && created === placedIds.length && latencies.length === placedIds.length;
  return {
    cell: verified && placedIds.length > 0 ? summarize(latencies, (lastAnswer - started) / 1000) : null,
    non2xx,
    unanswered,
    problem: problems.join("; ") || undefined,
  };
}

/** The batch answer `[{"result":{"data":{"id":…}}}]`; null for anything else. */
function orderIdOf(body: string): string | null {
  try {
    const id = (JSON.parse(body) as [{ result?: { data?: { id?: unknown } } }])[0]?.result?.data?.id;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

interface Row {
  path: string;
  accounts: string;
  clients: number;
  cell: CellResult | null;
  non2xx: string;
  /** HTTP rows: orders/s as a share of the in-process row beside it. */
  ofInProcess: string;
  cpu: CpuPerOrder;
}

/**
 * CPU ms per order of the process that runs placeOrder (the benchmark itself in-process, the web server over HTTP),
 * of the load generator (autocannon, in the benchmark's process; none in-process) and of the database's backends.
 */
interface CpuPerOrder {
  node: number | null;
  loadGenerator: number | null;
  postgres: number;
}

async function withCpu<T>(
  prisma: PrismaClient,
  pids: { node: number | undefined; loadGenerator?: number },
  work: () => Promise<T>,
  ordersOf: (result: T) => number,
): Promise<{ result: T; cpu: CpuPerOrder }> {
  const node = processCpuMs(pids.node);
  const loadGenerator = processCpuMs(pids.loadGenerator);
  const postgres = await postgresBackendsCpuMs(prisma);
  const result = await work();
  const orders = Math.max(1, ordersOf(result));
  const perOrder = (before: number | null, after: number | null) =>
    before === null || after === null ? null : (after - before) / orders;
  return {
    result,
    cpu: {
      node: perOrder(node, processCpuMs(pids.node)),
      loadGenerator: perOrder(loadGenerator, processCpuMs(pids.loadGenerator)),
      postgres: postgresCpuMsBetween(postgres, await postgresBackendsCpuMs(prisma)) / orders,
    },
  };
}

let db: TestDatabase | undefined;
let web: WebServer | undefined;
let closeLock: (() => Promise<void>) | undefined;
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await web?.stop().catch((error: unknown) => console.error("stopping the web server:", error));
    await closeLock?.().catch(() => undefined);
    await db?.drop().catch((error: unknown) => console.error("dropping the database:", error));
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void cleanUp().then(() => process.exit(130)));

async function main(): Promise<number> {
  const loadBefore = loadavg()[0]!;
  ensureWebBuild(flags.rebuild || process.env.BENCH_REBUILD === "1");
  db = await createTestDatabase({ poolSize: 40 });
  const services = inProcessServices(db.prisma, REDIS_URL!);
  closeLock = () => services.lock.close();
  const accounts: AccountRef[] = [];
  for (let i = 0; i < Math.max(...CONCURRENCY); i++)
    accounts.push(await createFundedAccount(db.prisma, `H-${i}`, { cash: "100000000.00", points: "0", holdings: {} }));

  web = await startWebServer({ databaseUrl: db.url, redisUrl: REDIS_URL! });
  // A session per client: the distinct rows sign each account in once; the hot rows sign the first account in once
  // per client (one customer on many devices).
  const distinctCookies: string[] = [];
  const hotCookies: string[] = [];
  for (let i = 0; i < accounts.length; i++) {
    distinctCookies.push(await signIn(web.url, `h-${i}@load.meridian`, PASSWORD));
    hotCookies.push(await signIn(web.url, "h-0@load.meridian", PASSWORD));
  }

  // Warm-up on both paths: connections, JIT, prepared plans, Next's route bundle.
  await inProcessCell(services, { accounts, clients: 4, orders: 200, hot: false, withKey: true });
  const warmUp = await httpCell(web, db.prisma, distinctCookies.slice(0, 4), 200);
  if (!warmUp.cell) throw new Error(`the warm-up failed: ${warmUp.problem ?? "no order placed"}`);

  const rows: Row[] = [];
  const prisma = db.prisma;
  const server = web;
  const local = (clients: number, hot: boolean, withKey: boolean) =>
    withCpu(
      prisma,
      { node: process.pid },
      () => inProcessCell(services, { accounts, clients, orders: ORDERS_PER_ROW, hot, withKey }),
      (cell) => cell.orders,
    );
  for (const hot of [false, true])
    for (const clients of CONCURRENCY) {
      const accountsLabel = hot ? "1 hot" : "distinct";
      const inProcess = await local(clients, hot, true);
      rows.push({
        path: "in-process",
        accounts: accountsLabel,
        clients,
        cell: inProcess.result,
        non2xx: "–",
        ofInProcess: "",
        cpu: inProcess.cpu,
      });
      const cookies = (hot ? hotCookies : distinctCookies).slice(0, clients);
      const http = await withCpu(
        prisma,
        { node: server.pid, loadGenerator: process.pid },
        () => httpCell(server, prisma, cookies, ORDERS_PER_ROW),
        (result) => result.cell?.orders ?? 0,
      );
      if (http.result.problem) console.error(`HTTP ${accountsLabel} ${clients}: ${http.result.problem}`);
      const { cell, non2xx, unanswered } = http.result;
      rows.push({
        path: "HTTP",
        accounts: accountsLabel,
        clients,
        cell,
        non2xx: unanswered ? `${non2xx} (+${unanswered} unanswered)` : String(non2xx),
        ofInProcess: cell ? `${((100 * cell.perSecond) / inProcess.result.perSecond).toFixed(0)} %` : "–",
        cpu: http.cpu,
      });
    }
  // bench:place's own cell, without an idempotency key, for reading this run against its table.
  const placeCell = await local(8, false, false);
  rows.push({
    path: "in-process, no key",
    accounts: "distinct",
    clients: 8,
    cell: placeCell.result,
    non2xx: "–",
    ofInProcess: "",
    cpu: placeCell.cpu,
  });

  const pgbench = pgbenchTps(db.url);
  const poolSize = loadConfig(process.env).database.poolSize;
  console.log(
    `\norders.place (limit buy, idempotency key) over HTTP: next start, tRPC batch POST, one session per client, ` +
      `web DB pool ${poolSize}; in-process: placeOrder in the benchmark's process, DB pool 40. ${ORDERS_PER_ROW} orders per row.`,
  );
  console.log(
    "| path | accounts | clients | orders/s | p50 ms | p99 ms | non-2xx | HTTP ÷ in-process | ÷ pgbench " +
      "| CPU ms/order: Node | load generator | PostgreSQL |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const ms = (value: number | null) => (value === null ? "–" : value.toFixed(1));
  for (const row of rows) {
    const figures = row.cell
      ? `${row.cell.perSecond.toFixed(0)} | ${row.cell.p50.toFixed(1)} | ${row.cell.p99.toFixed(1)}`
      : "failed | – | –";
    const ofPgbench = row.cell ? ratioTo(pgbench, row.cell.perSecond) : "–";
    const cpu = `${ms(row.cpu.node)} | ${ms(row.cpu.loadGenerator)} | ${ms(row.cpu.postgres)}`;
    console.log(
      `| ${row.path} | ${row.accounts} | ${row.clients} | ${figures} | ${row.non2xx} | ${row.ofInProcess} | ` +
        `${ofPgbench} | ${cpu} |`,
    );
  }
  console.log(`\n${pgbench.note} on the same server`);
  // Everything here shares the machine's cores: a busy machine (another build, another benchmark) shows up here first.
  console.log(`load average (1 min): ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`);
  return rows.every((row) => row.cell) ? 0 : 1;
}

const exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (web) console.error(`last lines of the web server:\n${web.output()}`);
  return 1;
});
await cleanUp();
process.exit(exitCode);
