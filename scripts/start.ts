// `npm start`: the whole system on one machine. Embedded Postgres (PGlite) unless DATABASE_URL is set; migrate,
// validate, seed; then the simulated brokers, the fee points service (its own process and its own embedded database
// unless POINTS_DATABASE_URL is set), the worker and the web app as child processes. Ctrl-C stops all.
//   --fresh   a throwaway database (in memory, or a new database on DATABASE_URL's server) and free ports: for e2e
//   --dev     `next dev` instead of `next start` (no build needed)
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { ConfigError, loadConfig } from "@meridian/core/config";
import { sleep } from "@meridian/core/sleep";
import { createPrismaClient } from "@meridian/db";
import {
  assertSchemaMatches,
  DEMO_PASSWORD,
  DEMO_USERS,
  freePort,
  migrate,
  seed,
  startEmbeddedPostgres,
} from "@meridian/db/setup";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: flags } = parseArgs({
  options: { fresh: { type: "boolean", default: false }, dev: { type: "boolean", default: false } },
});
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

// The same check every child makes at its start, made once before anything starts: a wrong setting names itself here.
const config = (() => {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
})();

async function main(): Promise<void> {
  const databaseUrl = await prepareDatabase();
  const ports = {
    web: config.web.port,
    broker: flags.fresh ? await freePort() : config.simulator.port,
    receiver: flags.fresh ? await freePort() : config.worker.receiverPort,
    points: flags.fresh ? await freePort() : config.points.service.port,
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: config.database.url ? String(config.database.poolSize) : "4",
    BROKER_PORT: String(ports.broker),
    BROKER_URL: `http://127.0.0.1:${ports.broker}`,
    FX_DESK_URL: `http://127.0.0.1:${ports.broker}/fxdesk`,
    RECEIVER_PORT: String(ports.receiver),
    RECEIVER_URL: `http://127.0.0.1:${ports.receiver}`,
    POINTS_PORT: String(ports.points),
    POINTS_URL: `http://127.0.0.1:${ports.points}`,
    // The points service's own database: embedded, in .data/points (in memory with --fresh), unless one is configured.
    ...(config.points.service.databaseUrl || flags.fresh
      ? {}
      : { POINTS_DATA_DIR: config.points.service.dataDir ?? `${root}.data/points` }),
    POINTS_DEMO_SEED: process.env.POINTS_DEMO_SEED ?? "true",
    // Secrets are never committed: without configured ones, each run makes its own.
    POINTS_SERVICE_SECRET: process.env.POINTS_SERVICE_SECRET ?? randomBytes(32).toString("hex"),
    BROKER_WEBHOOK_SECRET_ATLAS: process.env.BROKER_WEBHOOK_SECRET_ATLAS ?? randomBytes(32).toString("hex"),
    BROKER_WEBHOOK_SECRET_HARBOR: process.env.BROKER_WEBHOOK_SECRET_HARBOR ?? randomBytes(32).toString("hex"),
    SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(32).toString("hex"),
  };
  launch("broker", ["--import", "tsx", "apps/broker/src/main.ts"], env);
  await waitForHttp(`${env.BROKER_URL}/health`, "broker");
  launch("points", ["--import", "tsx", "apps/points/src/main.ts"], env);
  await waitForHttp(`${env.POINTS_URL}/health`, "points");
  launch("worker", ["--import", "tsx", "apps/worker/src/main.ts"], env);
  await waitForHttp(`${env.RECEIVER_URL}/health`, "worker");
  const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
  launch(
    "web",
    [nextBin, flags.dev ? "dev" : "start", "-p", String(ports.web), "-H", "127.0.0.1"],
    { ...env, NODE_ENV: flags.dev ? "development" : "production" },
    `${root}apps/web`,
  );
  await waitForHttp(`http://127.0.0.1:${ports.web}/api/health`, "web", 180_000);
  printBanner(ports.web, databaseUrl);
}

async function prepareDatabase(): Promise<string> {
  let url = config.database.url;
  if (url && flags.fresh) {
    const name = `meridian_e2e_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const fresh = new URL(url);
    fresh.pathname = `/${name}`;
    url = fresh.toString();
    const serverUrl = config.database.url!;
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    });
  } else if (!url) {
    const embedded = await startEmbeddedPostgres({
      dataDir: flags.fresh ? undefined : `${root}.data/pglite`,
      port: flags.fresh ? await freePort() : config.database.embeddedPort,
    });
    cleanups.push(embedded.stop);
    url = embedded.url;
    log(`embedded Postgres (PGlite) at ${url}${flags.fresh ? " (in memory)" : ", data in .data/pglite"}`);
  }
  const migrated = await migrate(url);
  if (migrated.applied.length) log(`applied migrations: ${migrated.applied.join(", ")}`);
  await assertSchemaMatches(url);
  const prisma = createPrismaClient(url, 2);
  if ((await seed(prisma)).created) log("seeded demo customers and an operator");
  await prisma.$disconnect();
  return url;
}

function launch(name: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): void {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `[${name}] `;
  const relay = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) stream.write(prefix + line + "\n");
  };
  child.stdout?.on("data", relay(process.stdout));
  child.stderr?.on("data", relay(process.stderr));
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.push(child);
}

async function waitForHttp(url: string, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error(`${name} did not start`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
}

function printBanner(webPort: number, databaseUrl: string): void {
  const logins = DEMO_USERS.map((user) => `    ${user.role.padEnd(9)} ${user.email}`).join("\n");
  console.log(`
  Meridian is running:  http://127.0.0.1:${webPort}      (operator console: /admin)
  Database: ${databaseUrl.replace(/\/\/[^@]*@/, "//")}
  Demo logins (password "${DEMO_PASSWORD}"):
${logins}
  Ctrl-C stops everything.
`);
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
        }),
    ),
  );
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  process.exit(code);
}

function log(message: string): void {
  console.log(`[start] ${message}`);
}

process.once("SIGINT", () => void stop(0));
process.once("SIGTERM", () => void stop(0));
main().catch((error) => {
  console.error(`[start] ${error instanceof Error ? error.message : error}`);
  void stop(1);
});
