// The configuration: defaults as the README and the domain modules state them, every wrong value refused by name with
// what is allowed, and a process that is handed a wrong value stopping before it builds anything.
import { describe, expect, it } from "vitest";
import { KNOWN_BROKERS } from "../broker/registry";
import { createCoreServices } from "../composition";
import { DEFAULT_INVARIANTS_OPTIONS } from "../invariants/options";
import { DEFAULT_LOCK_OPTIONS } from "../lock/port";
import { DEFAULT_PARKING } from "../messaging/parking";
import { DEFAULT_REFUSED_CALLBACK_RETENTION_DAYS } from "../receiver/retention";
import { ConfigError, loadConfig } from "./load";
import { RETRY_PROFILES, webhookSecretVariable, ZSettings } from "./schema";

/** The one problem loadConfig reports for `env`. */
function problemWith(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(1);
    return problems[0]!;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe("loadConfig", () => {
  it("gives every setting its default when the environment is empty", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      log: { level: "info" },
      database: { url: undefined, poolSize: 10, embeddedPort: 54329 },
      lock: { redisUrl: undefined, leaseMs: 30_000, waitMs: 5_000 },
      transport: { kafkaBrokers: [], topicPrefix: "", probeMs: 1000, consumerConcurrency: 4, replicationFactor: 1 },
      brokers: {
        url: "http://127.0.0.1:4100",
        timeoutMs: 5000,
        routing: {
          defaultBrokerIds: ["atlas", "harbor"],
          bySymbol: { TSLA: ["harbor", "atlas"], NVDA: ["harbor", "atlas"] },
        },
        flow: {
          pool: { max: 64, min: 2, maxQueue: 200 },
          tps: { atlas: 200, harbor: 200 },
          breaker: {
            windowSeconds: 10,
            minimumCalls: 20,
            failureRateThreshold: 0.5,
            slowCallDurationMs: 3000,
            slowCallRateThreshold: 1,
            waitInOpenMs: 5000,
            permittedCallsInHalfOpen: 3,
          },
        },
        webhookSecrets: { atlas: undefined, harbor: undefined },
      },
      retry: { profile: "demo", ...RETRY_PROFILES.demo },
      recovery: { abandonedSubmitMs: 60_000 },
      tcc: { deadlineMs: 600_000 },
      recon: { intervalMs: 300_000, graceMs: 30_000 },
      retention: { outboxDays: 7, inboxDays: 30, refusedCallbackDays: DEFAULT_REFUSED_CALLBACK_RETENTION_DAYS },
      fees: { commissionRate: "0.001" },
      orderFeed: { pollMs: 400, gapWaitMs: 30_000 },
      web: { port: 3000, sessionSecret: undefined, sessionCookieSecure: false },
      worker: {
        roles: ["gateway", "receiver", "ledger", "recovery", "recon", "invariants", "saga"],
        gatewayBrokers: ["atlas", "harbor"],
        receiverPort: 4200,
        receiverUrl: "http://127.0.0.1:4200",
      },
      simulator: { port: 4100, host: "127.0.0.1", fillDelayMs: [150, 600] },
    });
  });

  it("has the defaults the domain modules use when constructed without settings", () => {
    const config = loadConfig({});
    expect(config.lock).toMatchObject({ leaseMs: DEFAULT_LOCK_OPTIONS.leaseMs, waitMs: DEFAULT_LOCK_OPTIONS.waitMs });
    expect(config.parking).toEqual(DEFAULT_PARKING);
    const { gapWaitMs: _notASetting, ...invariants } = DEFAULT_INVARIANTS_OPTIONS;
    expect(config.invariants).toEqual(invariants);
  });

  it("has a webhook secret setting for every broker we have a contract with", () => {
    for (const { brokerId } of KNOWN_BROKERS) {
      expect(Object.keys(ZSettings.shape)).toContain(webhookSecretVariable(brokerId));
      expect(loadConfig({ [webhookSecretVariable(brokerId)]: "s3cret" }).brokers.webhookSecrets[brokerId]).toBe(
        "s3cret",
      );
    }
  });

  it("reads the values it is given, and treats a blank one as unset", () => {
    const config = loadConfig({
      COMMISSION_RATE: "0.002",
      TCC_DEADLINE_MS: "1000",
      KAFKA_BROKERS: " 127.0.0.1:9092, 127.0.0.1:9093 ",
      SESSION_COOKIE_SECURE: "true",
      SUBMIT_RETRY_PROFILE: "production",
      SUBMIT_MAX_ATTEMPTS: "3",
      MESSAGE_PARKED_RETRY_MS: "900000",
      WORKER_ROLES: "gateway, ledger",
      BROKER_FILL_DELAY_MS: "20,80",
      REDIS_URL: "",
      RECON_GRACE_MS: "0",
    });
    expect(config.fees.commissionRate).toBe("0.002");
    expect(config.tcc.deadlineMs).toBe(1000);
    expect(config.transport.kafkaBrokers).toEqual(["127.0.0.1:9092", "127.0.0.1:9093"]);
    expect(config.web.sessionCookieSecure).toBe(true);
    expect(config.retry).toEqual({ ...RETRY_PROFILES.production, profile: "production", maxAttempts: 3 });
    // The doubling's cap is never below its start.
    expect(config.parking).toMatchObject({ parkedRetryMs: 900_000, parkedRetryMaxMs: 900_000 });
    expect(config.worker).toMatchObject({ roles: ["gateway", "ledger"], gatewayBrokers: ["atlas", "harbor"] });
    expect(config.simulator.fillDelayMs).toEqual([20, 80]);
    expect(config.lock.redisUrl).toBeUndefined();
    expect(config.recon.graceMs).toBe(0);
  });

  it.each([
    [{ SUBMIT_RETRY_BASE_MS: "abc" }, 'SUBMIT_RETRY_BASE_MS must be a positive whole number (milliseconds), got "abc"'],
    [{ TCC_DEADLINE_MS: "-5" }, 'TCC_DEADLINE_MS must be a positive whole number (milliseconds), got "-5"'],
    [{ LOCK_LEASE_MS: "30s" }, 'LOCK_LEASE_MS must be a positive whole number (milliseconds), got "30s"'],
    [{ OUTBOX_RETENTION_DAYS: "0" }, 'OUTBOX_RETENTION_DAYS must be a positive whole number (days), got "0"'],
    [
      { RECON_INTERVAL_MS: "500" },
      'RECON_INTERVAL_MS must be a whole number of milliseconds, at least 1000, got "500"',
    ],
    [
      { COMMISSION_RATE: "1.5" },
      'COMMISSION_RATE must be a decimal fraction from 0 up to 1, e.g. 0.001 for 0.1%, got "1.5"',
    ],
    [{ SUBMIT_RETRY_PROFILE: "fast" }, 'SUBMIT_RETRY_PROFILE must be one of demo, production, got "fast"'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ SESSION_COOKIE_SECURE: "yes" }, 'SESSION_COOKIE_SECURE must be true or false, got "yes"'],
    [{ RECEIVER_PORT: "70000" }, 'RECEIVER_PORT must be a port number (0–65535), got "70000"'],
    [{ REDIS_URL: "127.0.0.1:6379" }, 'REDIS_URL must be a URL, e.g. redis://127.0.0.1:6379, got "127.0.0.1:6379"'],
    [
      { DATABASE_URL: "mysql://localhost/db" },
      'DATABASE_URL must be a postgres or postgresql URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres, got "mysql://localhost/db"',
    ],
    [
      { KAFKA_BROKERS: "localhost" },
      'KAFKA_BROKERS must be a comma-separated list of host:port, e.g. 127.0.0.1:9092, got "localhost"',
    ],
    [
      { WORKER_ROLES: "gateway,cleaner" },
      'WORKER_ROLES must be a comma-separated list of gateway, receiver, ledger, recovery, recon, invariants, saga, or gateway:<brokerId>, got "gateway,cleaner"',
    ],
    [
      { WORKER_ROLES: "ledger:atlas" },
      'WORKER_ROLES must be a comma-separated list of gateway, receiver, ledger, recovery, recon, invariants, saga, or gateway:<brokerId>, got "ledger:atlas"',
    ],
    [
      { WORKER_ROLES: "receiver,gateway:nowhere" },
      'WORKER_ROLES names unknown broker "nowhere" in "gateway:nowhere" (known: atlas, harbor), got "receiver,gateway:nowhere"',
    ],
    [
      { BROKER_FILL_DELAY_MS: "80,20" },
      'BROKER_FILL_DELAY_MS must be "min,max" in milliseconds with 0 ≤ min ≤ max, e.g. 20,80, got "80,20"',
    ],
    [
      { BROKER_ROUTING: "AAPL" },
      'BROKER_ROUTING cannot read "AAPL" (expected SYMBOL=brokerId pairs, fallbacks after a slash, e.g. TSLA=harbor/atlas,*=atlas), got "AAPL"',
    ],
    [
      { BROKER_ROUTING: "AAPL=atlas/atlas" },
      'BROKER_ROUTING "AAPL=atlas/atlas" names a broker twice, got "AAPL=atlas/atlas"',
    ],
    [
      { BROKER_TPS: "atlas=fast" },
      'BROKER_TPS cannot read "atlas=fast" (expected brokerId=calls per second, e.g. atlas=200,harbor=50), got "atlas=fast"',
    ],
    [{ BROKER_TPS: "nowhere=5" }, 'BROKER_TPS names unknown broker "nowhere" (known: atlas, harbor), got "nowhere=5"'],
    [
      { BROKER_BREAKER_FAILURE_PERCENT: "150" },
      'BROKER_BREAKER_FAILURE_PERCENT must be a whole percentage (0–100), got "150"',
    ],
    [
      { BROKER_ROUTING: "AAPL=nowhere" },
      'BROKER_ROUTING names unknown broker "nowhere" (known: atlas, harbor), got "AAPL=nowhere"',
    ],
  ])("refuses %o by name, saying what is allowed", (env, message) => {
    expect(problemWith(env)).toBe(message);
  });

  it("runs the gateway for every broker, or per broker with gateway:<brokerId>", () => {
    const worker = (roles: string) => loadConfig({ WORKER_ROLES: roles }).worker;
    expect(worker("gateway:harbor,receiver")).toMatchObject({
      roles: ["gateway", "receiver"],
      gatewayBrokers: ["harbor"],
    });
    expect(worker("gateway:harbor, gateway:atlas")).toMatchObject({
      roles: ["gateway"],
      gatewayBrokers: ["atlas", "harbor"],
    });
    expect(worker("gateway:atlas,gateway")).toMatchObject({ gatewayBrokers: ["atlas", "harbor"] });
    expect(worker("ledger,recovery")).toMatchObject({ roles: ["ledger", "recovery"], gatewayBrokers: [] });
  });

  it("checks settings against each other: inbox guards outlive any redelivery of an outbox row", () => {
    expect(problemWith({ OUTBOX_RETENTION_DAYS: "30" })).toMatch(
      /^INBOX_RETENTION_DAYS \(30\) must exceed OUTBOX_RETENTION_DAYS \(30\) by at least 7 days.*, got unset$/,
    );
  });

  it("never repeats a secret in its message", () => {
    expect(problemWith({ SESSION_SECRET: "hunter2" })).toBe(
      "SESSION_SECRET must be at least 32 characters (generate one with `openssl rand -base64 48`), got 7 characters",
    );
  });

  it("reports every wrong value at once", () => {
    expect(() => loadConfig({ LOCK_WAIT_MS: "soon", COMMISSION_RATE: "ten", WEB_PORT: "web" })).toThrow(
      new ConfigError([
        'LOCK_WAIT_MS must be a positive whole number (milliseconds), got "soon"',
        'COMMISSION_RATE must be a decimal fraction from 0 up to 1, e.g. 0.001 for 0.1%, got "ten"',
        'WEB_PORT must be a port number (0–65535), got "web"',
      ]).message,
    );
  });

  it("stops the composition root before it builds anything", () => {
    expect(() => createCoreServices({ env: { TCC_DEADLINE_MS: "10m" } })).toThrow(
      'TCC_DEADLINE_MS must be a positive whole number (milliseconds), got "10m"',
    );
  });
});
