// A whole Meridian back end for cross-process tests: a fresh database, the broker simulator as its own process, and the
// worker's roles (receiver on a real port, gateway, ledger, recovery) wired exactly as main.ts wires them. The
// transport is polling unless the test passes `kafka` (then with topics and consumer groups of its own on that
// cluster).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { ServerType } from "@hono/node-server";
import {
  createCoreServices,
  deletePipelineTopics,
  KafkaTransport,
  PollingTransport,
  placeOrder,
  ZPlaceOrderInput,
  type AccountRef,
  type CoreServices,
  type KafkaTransportOptions,
  type PollingTransportOptions,
  type Transport,
} from "@meridian/core";
import { createEmptyTestDatabase, createTestDatabase, freePort, type TestDatabase } from "@meridian/db/testing";
import { runGateway, runLedger } from "../src/roles/consumers";
import { startReceiver } from "../src/roles/receiver";
import { runRecovery } from "../src/roles/recovery";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface TestSystem {
  db: TestDatabase;
  services: CoreServices;
  transport: Transport;
  env: NodeJS.ProcessEnv;
  brokerUrl: string;
  receiverUrl: string;
  account(email: string): Promise<AccountRef>;
  place(account: AccountRef, input: Record<string, unknown>): ReturnType<typeof placeOrder>;
  broker(brokerId: string, path: string, init?: RequestInit): Promise<Response>;
  /** A call to the fee points service's HTTP API (its own process), with its bearer secret. */
  pointsApi(path: string, init?: RequestInit): Promise<Response>;
  /** Starts `apps/worker/src/main.ts` as its own process against this system; resolves when its receiver answers. */
  spawnWorker(extraEnv?: NodeJS.ProcessEnv): Promise<ChildProcess>;
  close(): Promise<void>;
}

export interface SystemOptions {
  retryBaseMs?: number;
  maxAttempts?: number;
  brokerTimeoutMs?: number;
  /** How long a cancel's "no such order" is not believed after a submit attempt (default: twice the broker timeout). */
  lateArrivalMs?: number;
  /** false: no worker roles in this process; the test starts worker processes itself with spawnWorker(). */
  inProcessWorker?: boolean;
  /** Kafka instead of polling: the cluster's bootstrap servers, and any adapter settings to override. */
  kafka?: { brokers: string } & Partial<Omit<KafkaTransportOptions, "prisma" | "logger" | "brokers">>;
  /** Polling adapter settings to override (when `kafka` is not given). */
  polling?: Partial<Omit<PollingTransportOptions, "prisma" | "logger">>;
  /** Settings for the system's processes and this one's services, e.g. the points service's sweep timing. */
  env?: NodeJS.ProcessEnv;
}

export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  const db = await createTestDatabase();
  const pointsDb = await createEmptyTestDatabase("meridian_points_test");
  const brokerTimeoutMs = options.brokerTimeoutMs ?? 2000;
  const [brokerPort, receiverPort, pointsPort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    BROKER_PORT: String(brokerPort),
    BROKER_URL: `http://127.0.0.1:${brokerPort}`,
    FX_DESK_URL: `http://127.0.0.1:${brokerPort}/fxdesk`,
    BROKER_TIMEOUT_MS: String(brokerTimeoutMs),
    BROKER_FILL_DELAY_MS: "20,120",
    RECEIVER_URL: `http://127.0.0.1:${receiverPort}`,
    POINTS_PORT: String(pointsPort),
    POINTS_URL: `http://127.0.0.1:${pointsPort}`,
    POINTS_SERVICE_SECRET: randomBytes(24).toString("hex"),
    POINTS_DEMO_SEED: "true",
    ...(pointsDb.url ? { POINTS_DATABASE_URL: pointsDb.url } : {}),
    BROKER_WEBHOOK_SECRET_ATLAS: randomBytes(16).toString("hex"),
    BROKER_WEBHOOK_SECRET_HARBOR: randomBytes(16).toString("hex"),
    // Flow control's keys are this system's own: systems of tests running at once share one Redis, not its breakers.
    REDIS_PREFIX: `t${randomBytes(4).toString("hex")}`,
    ...options.env,
  };
  const brokerProcess = spawn(process.execPath, ["--import", "tsx", "apps/broker/src/main.ts"], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitUntil(
    () =>
      fetch(`${env.BROKER_URL}/health`).then(
        (response) => response.ok,
        () => false,
      ),
    30_000,
    "broker simulator did not start",
  );
  // The fee points service: its own process and its own database, as in production.
  const pointsProcess = spawn(process.execPath, ["--import", "tsx", "apps/points/src/main.ts"], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitUntil(
    () =>
      fetch(`${env.POINTS_URL}/health`).then(
        (response) => response.ok,
        () => false,
      ),
    30_000,
    "points service did not start",
  );

  // Spawned workers follow the system's transport, never a KAFKA_BROKERS the test run happens to have.
  const kafkaNamespace = `t${randomBytes(4).toString("hex")}.`;
  delete env.KAFKA_BROKERS;
  if (options.kafka)
    Object.assign(env, {
      KAFKA_BROKERS: options.kafka.brokers,
      KAFKA_TOPIC_PREFIX: kafkaNamespace,
      KAFKA_PROBE_MS: String(options.kafka.probeMs ?? 250),
    });
  const retryPolicy = {
    baseMs: options.retryBaseMs ?? 200,
    capMs: 2000,
    maxAttempts: options.maxAttempts ?? 5,
    lateArrivalMs: options.lateArrivalMs ?? 2 * brokerTimeoutMs,
  };
  const services = { ...createCoreServices({ env, prisma: db.prisma, name: "worker-test" }), retryPolicy };
  const stop = new AbortController();
  const inProcess = options.inProcessWorker !== false;
  const transport: Transport = options.kafka
    ? new KafkaTransport({
        prisma: db.prisma,
        logger: services.logger,
        namespace: kafkaNamespace,
        probeMs: 250,
        ...options.kafka,
        brokers: options.kafka.brokers.split(","),
      })
    : new PollingTransport({ prisma: db.prisma, logger: services.logger, ...options.polling });
  if (inProcess) await transport.start(stop.signal);
  const receiver: ServerType | null = inProcess ? await startReceiver(services, receiverPort, transport) : null;
  const loops = inProcess
    ? [
        runGateway(services, transport, retryPolicy, stop.signal),
        runLedger(services, transport, stop.signal),
        runRecovery(services, stop.signal, 200),
      ]
    : [];
  const workers: ChildProcess[] = [];

  return {
    db,
    services,
    transport,
    env,
    brokerUrl: env.BROKER_URL!,
    receiverUrl: env.RECEIVER_URL!,
    async account(email) {
      const account = await db.prisma.account.findFirstOrThrow({ where: { user: { email } } });
      return { id: account.id, accountNo: account.accountNo };
    },
    place(account, input) {
      return placeOrder({ ctx: { services, account, actor: "test" }, input: ZPlaceOrderInput.parse(input) });
    },
    pointsApi(path, init = {}) {
      return fetch(`${env.POINTS_URL}${path}`, {
        ...init,
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${env.POINTS_SERVICE_SECRET}`,
          ...init.headers,
        },
      });
    },
    async spawnWorker(extraEnv = {}) {
      const worker = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
        cwd: repoRoot,
        env: {
          ...env,
          RECEIVER_PORT: String(receiverPort),
          SUBMIT_RETRY_BASE_MS: String(retryPolicy.baseMs),
          SUBMIT_RETRY_CAP_MS: String(retryPolicy.capMs),
          SUBMIT_LATE_ARRIVAL_MS: String(retryPolicy.lateArrivalMs),
          ...extraEnv,
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      workers.push(worker);
      await waitUntil(
        () =>
          fetch(`${env.RECEIVER_URL}/health`).then(
            (response) => response.ok,
            () => false,
          ),
        30_000,
        "worker did not start",
      );
      return worker;
    },
    broker(brokerId, path, init) {
      return fetch(`${env.BROKER_URL}/brokers/${brokerId}${path}`, {
        ...init,
        headers: { "content-type": "application/json", ...init?.headers },
      });
    },
    async close() {
      stop.abort();
      await Promise.allSettled(loops);
      if (inProcess) await transport.close();
      if (options.kafka) {
        await deletePipelineTopics(
          { brokers: options.kafka.brokers.split(","), clientId: "meridian-test", namespace: kafkaNamespace },
          services.logger,
        ).catch(() => {});
      }
      receiver?.close();
      await Promise.all(workers.map((worker) => stopProcess(worker)));
      await stopProcess(brokerProcess);
      await stopProcess(pointsProcess);
      await services.lock.close();
      await services.flow.close();
      await db.drop();
      await pointsDb.drop();
    },
  };
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
