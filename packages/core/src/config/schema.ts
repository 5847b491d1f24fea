// Every setting Meridian's processes read, by concern: its environment variable, how it is read, its default, and the
// line the README's configuration table shows for it (config/readme.test.ts keeps the two equal). The flat schema
// reads the environment; the transform groups the values into the MeridianConfig the composition roots pass down.
import { z } from "zod";
import { KNOWN_BROKERS, parseBrokerRouting } from "../broker/registry";
import { checkRetentionPolicy } from "../messaging/retention";
import {
  fraction,
  listOf,
  millisecondRange,
  oneOf,
  parsedBy,
  percent,
  port,
  secretOfAtLeast,
  setting,
  text,
  trueOrFalse,
  url,
  wholeNumber,
} from "./setting";
import { readWorkerRoles, WORKER_ROLES } from "./workerRoles";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const ms = wholeNumber("milliseconds");
const days = wholeNumber("days");

/** BROKER_WEBHOOK_SECRET_<ID> for a broker id. */
export function webhookSecretVariable(brokerId: string): string {
  return `BROKER_WEBHOOK_SECRET_${brokerId.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

function webhookSecret(brokerId: string) {
  return setting(text, {
    unset: "random per `npm start`",
    secret: true,
    description: `HMAC secret of ${brokerId}'s execution webhooks (the worker's receiver and the simulator both need it)`,
  });
}

const logging = {
  LOG_LEVEL: setting(oneOf(LOG_LEVELS), {
    default: "info",
    description: `log level of every process (${LOG_LEVELS.join(", ")})`,
  }),
};

const database = {
  DATABASE_URL: setting(url(["postgres", "postgresql"], "postgresql://postgres@127.0.0.1:5432/postgres"), {
    unset: "embedded PGlite",
    description: "PostgreSQL to use instead of the embedded one",
  }),
  DB_POOL_SIZE: setting(wholeNumber("connections"), {
    default: "10",
    description: "database connections per process (`npm start` uses 4 against the embedded database)",
  }),
  EMBEDDED_PG_PORT: setting(port, {
    default: "54329",
    description: "where `npm start` serves the embedded database when `DATABASE_URL` is unset",
  }),
};

const lock = {
  REDIS_URL: setting(url(["redis", "rediss"], "redis://127.0.0.1:6379"), {
    unset: "database lease lock",
    description: "Redis for the account lock (fencing-token lease, renewed while held)",
  }),
  REDIS_PREFIX: setting(parsedBy(readRedisPrefix), {
    default: "meridian",
    description:
      "prefix of the Redis keys flow control shares (breakers, rate limits, call metrics): one system's processes share it, two systems on one Redis need two",
  }),
  LOCK_LEASE_MS: setting(ms, {
    default: "30000",
    description: "account lock lease, renewed every third of it while the work runs",
  }),
  LOCK_WAIT_MS: setting(ms, {
    default: "5000",
    description: 'the longest wait for an account lock before "account busy, try again"',
  }),
};

const transport = {
  KAFKA_BROKERS: setting(listOf(/^[^\s:,]+:\d+$/, "a comma-separated list of host:port, e.g. 127.0.0.1:9092"), {
    unset: "outbox polling",
    description: "Kafka for the event pipeline (falls back to polling while Kafka is unreachable)",
  }),
  KAFKA_TOPIC_PREFIX: setting(text, {
    unset: "no prefix",
    description: "prefixes Kafka topic names and consumer groups (one Kafka shared by several systems or test runs)",
  }),
  KAFKA_PROBE_MS: setting(ms, {
    default: "1000",
    description: "how often the transport probes Kafka, to fall back to polling and to come back",
  }),
  KAFKA_CONSUMER_CONCURRENCY: setting(wholeNumber("partitions"), {
    default: "4",
    description: "partitions each Kafka consumer handles at once",
  }),
  KAFKA_REPLICATION_FACTOR: setting(wholeNumber("copies"), {
    default: "1",
    description: "replication factor of the topics Meridian creates",
  }),
  GATEWAY_CONCURRENCY: setting(wholeNumber("messages"), {
    default: "64",
    description:
      "order commands the gateway handles at once for each broker, by Kafka or polling (distinct orders; each broker's adaptive pool still limits its calls)",
  }),
  LEDGER_CONCURRENCY: setting(wholeNumber("messages"), {
    default: "64",
    description: "executions the ledger handles at once, by Kafka or polling (distinct orders)",
  }),
};

const parking = {
  MESSAGE_PARK_AFTER_ATTEMPTS: setting(wholeNumber("attempts"), {
    default: "10",
    description:
      "failed handler runs before a message parks its order's key (later messages of that order wait; [docs/pipeline.md](docs/pipeline.md), Parking)",
  }),
  MESSAGE_PARKED_RETRY_MS: setting(ms, { default: "60000", description: "first slow retry of a parked message" }),
  MESSAGE_PARKED_RETRY_MAX_MS: setting(ms, {
    default: "600000",
    description: "cap of a parked message's doubling retry delay (never below `MESSAGE_PARKED_RETRY_MS`)",
  }),
};

const brokers = {
  BROKER_URL: setting(url(["http", "https"], "http://127.0.0.1:4100"), {
    default: "http://127.0.0.1:4100",
    description: "where the worker and the web reach the brokers (the simulator)",
  }),
  BROKER_ROUTING: setting(parsedBy(readRouting), {
    default: "TSLA=harbor/atlas,NVDA=harbor/atlas,*=atlas/harbor",
    description:
      "which brokers can trade each symbol, in order of preference (`*` is every other symbol; after a `/`, the fallback new orders go to while the one before is unavailable)",
  }),
  BROKER_TIMEOUT_MS: setting(ms, {
    default: "5000",
    description: "per-call timeout toward a broker; past it the order is `UNKNOWN`",
  }),
  BROKER_MAX_CONCURRENT: setting(wholeNumber("calls"), {
    default: "64",
    description: "ceiling of each broker's adaptive pool (AIMD): calls in flight at once from one gateway process",
  }),
  BROKER_MIN_CONCURRENT: setting(wholeNumber("calls"), {
    default: "2",
    description: "floor of each broker's adaptive pool: what it keeps sending however slow the broker gets",
  }),
  BROKER_MAX_QUEUE: setting(wholeNumber("calls", 0), {
    default: "200",
    description: "calls waiting for a slot in a broker's pool; past it a call is not sent (retried later)",
  }),
  BROKER_TPS: setting(parsedBy(readBrokerTps), {
    default: "atlas=200,harbor=200",
    description:
      "calls per second each broker promised (`0` = no limit), shared by every gateway through Redis; operators can change it live",
  }),
  BROKER_FALLBACK_PERCENT: setting(percent, {
    default: "50",
    description:
      "share of new orders sent to a symbol's fallback broker while its primary's breaker is half-open (all of them while it is open)",
  }),
  MARKET_PAUSE_AFTER_MS: setting(ms, {
    default: "60000",
    description: "how long no broker may give quotes before new orders are refused for the whole market",
  }),
  BROKER_BREAKER_WINDOW_MS: setting(ms, {
    default: "10000",
    description: "the shared circuit breaker's sliding window of calls",
  }),
  BROKER_BREAKER_MIN_CALLS: setting(wholeNumber("calls"), {
    default: "20",
    description: "calls in the window before the breaker may judge a broker",
  }),
  BROKER_BREAKER_FAILURE_PERCENT: setting(percent, {
    default: "50",
    description: "failed calls (timeout, network, 5xx) in the window that open a broker's breaker",
  }),
  BROKER_BREAKER_SLOW_MS: setting(ms, {
    default: "3000",
    description: "a call slower than this counts as slow for the breaker",
  }),
  BROKER_BREAKER_SLOW_PERCENT: setting(percent, {
    default: "100",
    description: "slow calls in the window that open a broker's breaker (100 = only when every call is slow)",
  }),
  BROKER_BREAKER_OPEN_MS: setting(ms, {
    default: "5000",
    description: "how long an open breaker refuses calls before half-open trial calls",
  }),
  BROKER_BREAKER_TRIAL_CALLS: setting(wholeNumber("calls"), {
    default: "3",
    description: "trial calls a half-open breaker lets through, across every gateway process",
  }),
  BROKER_WEBHOOK_SECRET_ATLAS: webhookSecret("atlas"),
  BROKER_WEBHOOK_SECRET_HARBOR: webhookSecret("harbor"),
};

/**
 * SUBMIT_RETRY_PROFILE: the demo profile retries in seconds; `production` waits 1, 2, 4, 8 minutes (ceilings,
 * jittered), as in Toss SLASH 22, "How one Apple share reaches the customer". Each value can be overridden. The shape
 * is gateway/retryPolicy.ts's RetryPolicy.
 */
export const RETRY_PROFILES = {
  demo: { baseMs: 2_000, capMs: 30_000, maxAttempts: 5, lateArrivalMs: 15_000 },
  production: { baseMs: 60_000, capMs: 8 * 60_000, maxAttempts: 5, lateArrivalMs: 120_000 },
} as const satisfies Record<string, { baseMs: number; capMs: number; maxAttempts: number; lateArrivalMs: number }>;

const demo = RETRY_PROFILES.demo;
const production = RETRY_PROFILES.production;
const retry = {
  SUBMIT_RETRY_PROFILE: setting(oneOf(Object.keys(RETRY_PROFILES) as (keyof typeof RETRY_PROFILES)[]), {
    default: "demo",
    description: "`demo` retries in seconds; `production` waits up to 1, 2, 4, 8 minutes (full jitter)",
  }),
  SUBMIT_RETRY_BASE_MS: setting(ms, {
    unset: `from the profile (\`${demo.baseMs}\`; production \`${production.baseMs}\`)`,
    description: "ceiling of the first retry's delay for an order whose outcome is unknown; it doubles each attempt",
  }),
  SUBMIT_RETRY_CAP_MS: setting(ms, {
    unset: `from the profile (\`${demo.capMs}\`; production \`${production.capMs}\`)`,
    description: "the longest retry delay",
  }),
  SUBMIT_MAX_ATTEMPTS: setting(wholeNumber("attempts"), {
    unset: `from the profile (\`${demo.maxAttempts}\`)`,
    description: "attempts before an order of unknown outcome goes to `NEEDS_ATTENTION`",
  }),
  SUBMIT_LATE_ARRIVAL_MS: setting(ms, {
    unset: `from the profile (\`${demo.lateArrivalMs}\`; production \`${production.lateArrivalMs}\`)`,
    description:
      'how long after we stopped waiting for an unanswered submit its request may still reach the broker; until then neither a cancel\'s "no such order" nor an operator\'s "mark rejected" closes the order',
  }),
  SUBMIT_ABANDONED_MS: setting(ms, {
    default: "60000",
    description: "a `SUBMITTING` order older than this lost its worker; recovery retries it",
  }),
};

const tcc = {
  TCC_DEADLINE_MS: setting(ms, {
    default: "600000",
    description: "a reservation still `TRYING` after this is settled by recovery or sent to the Pending queue",
  }),
};

const fx = {
  FX_DESK_URL: setting(url(["http", "https"], "http://127.0.0.1:4100/fxdesk"), {
    default: "http://127.0.0.1:4100/fxdesk",
    description: "where the worker and the web reach the FX desk that converts won and dollars (the simulator)",
  }),
  FX_DESK_TPS: setting(wholeNumber("calls", 0), {
    default: "100",
    description: "calls per second the FX desk promised (`0` = no limit), shared like a broker's",
  }),
};

const points = {
  POINTS_URL: setting(url(["http", "https"], "http://127.0.0.1:4300"), {
    default: "http://127.0.0.1:4300",
    description:
      "where the worker and the web reach the fee points service (a service of its own with its own database)",
  }),
  POINTS_SERVICE_SECRET: setting(secretOfAtLeast(32, "generate one with `openssl rand -base64 48`"), {
    unset: "random per `npm start`",
    secret: true,
    description:
      "bearer secret between Meridian and the fee points service, both ways (its Try/Confirm/Cancel, our outcome endpoint)",
  }),
  POINTS_TIMEOUT_MS: setting(ms, {
    default: "2000",
    description:
      "how long a remote Try, Confirm or Cancel waits for the points service; a Try without an answer is cancelled",
  }),
  POINTS_RETRY_BASE_MS: setting(ms, {
    default: "200",
    description: "first delay before a Confirm or Cancel the points service did not acknowledge is sent again",
  }),
  POINTS_RETRY_CAP_MS: setting(ms, {
    default: "30000",
    description:
      "longest delay between resends of an unacknowledged Confirm or Cancel (they are resent until acknowledged)",
  }),
  POINTS_PORT: setting(port, { default: "4300", description: "the fee points service's port" }),
  POINTS_HOST: setting(text, { default: "127.0.0.1", description: "the address the fee points service listens on" }),
  POINTS_DATABASE_URL: setting(
    url(["postgres", "postgresql"], "postgresql://postgres@127.0.0.1:5432/meridian_points"),
    {
      unset: "embedded PGlite in the points process",
      description: "the fee points service's own PostgreSQL (never the order database)",
    },
  ),
  POINTS_DATA_DIR: setting(text, {
    unset: "in memory",
    description:
      "where the points service keeps its embedded database when `POINTS_DATABASE_URL` is unset (`npm start`: `.data/points`)",
  }),
  POINTS_SWEEP_AFTER_MS: setting(ms, {
    default: "60000",
    description:
      "a reservation still TRIED this long is settled by the points service itself: it asks us for the outcome",
  }),
  POINTS_SWEEP_EVERY_MS: setting(ms, { default: "5000", description: "how often the points service sweeps" }),
  POINTS_DEMO_SEED: setting(trueOrFalse, {
    default: "false",
    description: "`true` credits the demo customers' points when the points service starts (`npm start` sets it)",
  }),
};

const sagas = {
  SAGA_POLL_MS: setting(ms, {
    default: "200",
    description: "how often the saga runner looks for sagas due to run or compensate",
  }),
  SAGA_STEP_MAX_ATTEMPTS: setting(wholeNumber("attempts"), {
    default: "6",
    description:
      "tries of a saga step that may give up (nothing done at a partner yet, e.g. reading the quote) before the saga fails; a step whose outcome could be unknown (a conversion) retries until it gets an answer",
  }),
  SAGA_COMPENSATION_MAX_ATTEMPTS: setting(wholeNumber("attempts"), {
    default: "8",
    description: "tries of a failing compensation (jittered backoff) before it waits for an operator on the Sagas page",
  }),
  SAGA_RETRY_BASE_MS: setting(ms, {
    default: "1000",
    description: "first retry delay of a saga step or compensation; doubles per attempt, with full jitter",
  }),
  SAGA_RETRY_CAP_MS: setting(ms, {
    default: "60000",
    description: "longest retry delay of a saga step or compensation",
  }),
};

const recon = {
  RECON_INTERVAL_MS: setting(wholeNumber("milliseconds", 1000), {
    default: "300000",
    description: "how often the recon role reconciles each broker",
  }),
  RECON_GRACE_MS: setting(wholeNumber("milliseconds", 0), {
    default: "30000",
    description: "executions younger than this are not judged yet (they may still arrive by webhook)",
  }),
};

const retention = {
  OUTBOX_RETENTION_DAYS: setting(days, {
    default: "7",
    description: "delivered outbox rows are pruned after this many days (docs/pipeline.md, Retention)",
  }),
  INBOX_RETENTION_DAYS: setting(days, {
    default: "30",
    description: "inbox guards are pruned after this many days; at least 7 more than `OUTBOX_RETENTION_DAYS`",
  }),
  REFUSED_CALLBACK_RETENTION_DAYS: setting(days, {
    default: "90",
    description:
      "refused broker callbacks (and their reviews) are pruned after this many days; ledger refusals never are (docs/pipeline.md, Quarantine)",
  }),
};

const invariants = {
  INVARIANTS_INTERVAL_MS: setting(ms, {
    default: "5000",
    description:
      "pause between two incremental passes of the invariant checker ([docs/invariants.md](docs/invariants.md))",
  }),
  INVARIANTS_GRACE_MS: setting(ms, {
    default: "60000",
    description:
      "how long an execution may wait for the ledger before the checker reports it unbooked (`TRADE_UNBOOKED`)",
  }),
  INVARIANTS_FULL_SWEEP_MS: setting(ms, {
    default: "3600000",
    description: "how often the checker checks every account and order instead of what changed",
  }),
};

const fees = {
  COMMISSION_RATE: setting(fraction, {
    default: "0.001",
    description:
      "commission on each execution's notional (payable with fee points, 1 point = 1 cent); the order ticket estimates with it",
  }),
};

const orderFeed = {
  ORDER_FEED_POLL_MS: setting(ms, {
    default: "400",
    description: "the web's order-change feed: how often it reads `order_events` while a screen is subscribed",
  }),
  ORDER_FEED_GAP_WAIT_MS: setting(ms, {
    default: "30000",
    description: "how long the order-change feed waits for an id that was skipped (a transaction still to commit)",
  }),
};

const web = {
  WEB_PORT: setting(port, { default: "3000", description: "where `npm start` serves the web app" }),
  SESSION_SECRET: setting(secretOfAtLeast(32, "generate one with `openssl rand -base64 48`"), {
    unset: "random per `npm start`",
    secret: true,
    description:
      "seals the session id in its cookie (≥ 32 characters; required by `next start` in production); changing it ends every session",
  }),
  SESSION_COOKIE_SECURE: setting(trueOrFalse, {
    default: "false",
    description:
      "`true` always marks the session cookie Secure; it is Secure anyway whenever the request came over https",
  }),
};

const auth = {
  LOGIN_MAX_FAILURES: setting(wholeNumber("attempts"), {
    default: "5",
    description:
      "wrong passwords in a row for one email (registered or not) before sign-in is locked for it; a success resets the count",
  }),
  LOGIN_ADDRESS_MAX_FAILURES: setting(wholeNumber("attempts"), {
    default: "50",
    description:
      "failed sign-ins in a row from one source address (any emails) before it is locked; higher than per email, for shared offices",
  }),
  LOGIN_LOCKOUT_BASE_MS: setting(wholeNumber("milliseconds", 1000), {
    default: "60000",
    description:
      "the first sign-in lockout; each further one within a day doubles it (whole seconds, at least 1000; [docs/security.md](docs/security.md))",
  }),
  LOGIN_LOCKOUT_MAX_MS: setting(wholeNumber("milliseconds", 1000), {
    default: "3600000",
    description: "the longest sign-in lockout (never below `LOGIN_LOCKOUT_BASE_MS`)",
  }),
  SESSION_IDLE_CUSTOMER_MS: setting(wholeNumber("milliseconds", 60_000), {
    default: "1800000",
    description: "a customer's session ends after this long without a request (at least a minute)",
  }),
  SESSION_IDLE_OPERATOR_MS: setting(wholeNumber("milliseconds", 60_000), {
    default: "900000",
    description: "an operator's session ends after this long without a request (at least a minute)",
  }),
  SESSION_ABSOLUTE_MS: setting(wholeNumber("milliseconds", 60_000), {
    default: "43200000",
    description: "every session ends this long after sign-in, however busy it is",
  }),
  SESSION_STEP_UP_MS: setting(wholeNumber("milliseconds", 1000), {
    default: "300000",
    description:
      "how long a confirmed password lets an operator move money or change the system before it is asked for again",
  }),
};

const worker = {
  WORKER_ROLES: setting(parsedBy(readWorkerRoles), {
    default: WORKER_ROLES.join(","),
    description:
      "the worker's roles (`--roles` overrides it); `gateway:<broker>` runs the gateway for that broker's orders only, e.g. `gateway:atlas,gateway:harbor`",
  }),
  RECEIVER_PORT: setting(port, { default: "4200", description: "the worker's execution webhook" }),
  RECEIVER_URL: setting(url(["http", "https"], "http://127.0.0.1:4200"), {
    default: "http://127.0.0.1:4200",
    description: "where the simulator posts executions and the console reads the pipeline's health",
  }),
};

const simulator = {
  BROKER_PORT: setting(port, { default: "4100", description: "the broker simulator's port" }),
  BROKER_HOST: setting(text, { default: "127.0.0.1", description: "the address the broker simulator listens on" }),
  BROKER_FILL_DELAY_MS: setting(millisecondRange, {
    default: "150,600",
    description: "the simulator's random delay before each execution, `min,max` (tests use `20,80`)",
  }),
};

/** The environment variables, in the order the README lists them. */
export const ZSettings = z.object({
  ...logging,
  ...database,
  ...lock,
  ...transport,
  ...parking,
  ...brokers,
  ...retry,
  ...tcc,
  ...fx,
  ...points,
  ...sagas,
  ...recon,
  ...retention,
  ...invariants,
  ...fees,
  ...orderFeed,
  ...web,
  ...auth,
  ...worker,
  ...simulator,
});

function readRedisPrefix(value: string): string {
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(value))
    throw new Error("must be 1–40 letters, digits, dots, dashes or underscores");
  return value;
}

/** BROKER_TPS: "atlas=200,harbor=50"; every known broker gets a figure (unlisted ones 0: no limit). */
function readBrokerTps(value: string): Record<string, number> {
  const known = KNOWN_BROKERS.map(({ brokerId }) => brokerId);
  const tps: Record<string, number> = Object.fromEntries(known.map((brokerId) => [brokerId, 0]));
  for (const entry of value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9_-]+)\s*=\s*(\d+)$/i.exec(entry);
    if (!match)
      throw new Error(`cannot read "${entry}" (expected brokerId=calls per second, e.g. atlas=200,harbor=50)`);
    const [, brokerId, calls] = match as unknown as [string, string, string];
    if (!known.includes(brokerId)) throw new Error(`names unknown broker "${brokerId}" (known: ${known.join(", ")})`);
    tps[brokerId] = Number(calls);
  }
  return tps;
}

/** BROKER_ROUTING, read as the registry reads it, and naming only brokers we have a contract with. */
function readRouting(value: string) {
  const routing = parseBrokerRouting(value);
  const known = KNOWN_BROKERS.map(({ brokerId }) => brokerId);
  for (const brokerId of [...routing.defaultBrokerIds, ...Object.values(routing.bySymbol).flat()])
    if (!known.includes(brokerId)) throw new Error(`names unknown broker "${brokerId}" (known: ${known.join(", ")})`);
  return routing;
}

/** Settings grouped by the part of the system that uses them; what composition roots and roles receive. */
export const ZMeridianConfig = ZSettings.transform((env, ctx) => {
  const profile = RETRY_PROFILES[env.SUBMIT_RETRY_PROFILE];
  const parkedRetryMs = env.MESSAGE_PARKED_RETRY_MS;
  const messageRetention = { outboxDays: env.OUTBOX_RETENTION_DAYS, inboxDays: env.INBOX_RETENTION_DAYS };
  try {
    checkRetentionPolicy(messageRetention);
  } catch (error) {
    ctx.issues.push({
      code: "custom",
      path: ["INBOX_RETENTION_DAYS"],
      message: (error as Error).message,
      input: env.INBOX_RETENTION_DAYS,
    });
    return z.NEVER;
  }
  return {
    log: { level: env.LOG_LEVEL },
    database: { url: env.DATABASE_URL, poolSize: env.DB_POOL_SIZE, embeddedPort: env.EMBEDDED_PG_PORT },
    lock: {
      redisUrl: env.REDIS_URL,
      leaseMs: env.LOCK_LEASE_MS,
      waitMs: env.LOCK_WAIT_MS,
      redisPrefix: env.REDIS_PREFIX,
    },
    transport: {
      kafkaBrokers: env.KAFKA_BROKERS ?? [],
      topicPrefix: env.KAFKA_TOPIC_PREFIX ?? "",
      probeMs: env.KAFKA_PROBE_MS,
      consumerConcurrency: env.KAFKA_CONSUMER_CONCURRENCY,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      inFlight: { gateway: env.GATEWAY_CONCURRENCY, ledger: env.LEDGER_CONCURRENCY },
    },
    parking: {
      parkAfterAttempts: env.MESSAGE_PARK_AFTER_ATTEMPTS,
      parkedRetryMs,
      parkedRetryMaxMs: Math.max(parkedRetryMs, env.MESSAGE_PARKED_RETRY_MAX_MS),
    },
    brokers: {
      url: env.BROKER_URL,
      routing: env.BROKER_ROUTING,
      timeoutMs: env.BROKER_TIMEOUT_MS,
      entry: {
        fallbackPercent: env.BROKER_FALLBACK_PERCENT,
        waitInOpenMs: env.BROKER_BREAKER_OPEN_MS,
        marketPauseAfterMs: env.MARKET_PAUSE_AFTER_MS,
      },
      flow: {
        pool: { max: env.BROKER_MAX_CONCURRENT, min: env.BROKER_MIN_CONCURRENT, maxQueue: env.BROKER_MAX_QUEUE },
        tps: env.BROKER_TPS,
        breaker: {
          windowSeconds: Math.max(1, Math.round(env.BROKER_BREAKER_WINDOW_MS / 1000)),
          minimumCalls: env.BROKER_BREAKER_MIN_CALLS,
          failureRateThreshold: env.BROKER_BREAKER_FAILURE_PERCENT / 100,
          slowCallDurationMs: env.BROKER_BREAKER_SLOW_MS,
          slowCallRateThreshold: env.BROKER_BREAKER_SLOW_PERCENT / 100,
          waitInOpenMs: env.BROKER_BREAKER_OPEN_MS,
          permittedCallsInHalfOpen: env.BROKER_BREAKER_TRIAL_CALLS,
        },
      },
      /** By broker id; a process that needs a secret refuses to start without it (webhookSecretFor). */
      webhookSecrets: {
        atlas: env.BROKER_WEBHOOK_SECRET_ATLAS,
        harbor: env.BROKER_WEBHOOK_SECRET_HARBOR,
      } as Record<string, string | undefined>,
    },
    retry: {
      profile: env.SUBMIT_RETRY_PROFILE,
      baseMs: env.SUBMIT_RETRY_BASE_MS ?? profile.baseMs,
      capMs: env.SUBMIT_RETRY_CAP_MS ?? profile.capMs,
      maxAttempts: env.SUBMIT_MAX_ATTEMPTS ?? profile.maxAttempts,
      lateArrivalMs: env.SUBMIT_LATE_ARRIVAL_MS ?? profile.lateArrivalMs,
    },
    recovery: { abandonedSubmitMs: env.SUBMIT_ABANDONED_MS },
    tcc: { deadlineMs: env.TCC_DEADLINE_MS },
    fx: { deskUrl: env.FX_DESK_URL, tps: env.FX_DESK_TPS },
    points: {
      url: env.POINTS_URL,
      secret: env.POINTS_SERVICE_SECRET,
      timeoutMs: env.POINTS_TIMEOUT_MS,
      retryBaseMs: env.POINTS_RETRY_BASE_MS,
      retryCapMs: Math.max(env.POINTS_RETRY_BASE_MS, env.POINTS_RETRY_CAP_MS),
      service: {
        port: env.POINTS_PORT,
        host: env.POINTS_HOST,
        databaseUrl: env.POINTS_DATABASE_URL,
        dataDir: env.POINTS_DATA_DIR,
        sweepAfterMs: env.POINTS_SWEEP_AFTER_MS,
        sweepEveryMs: env.POINTS_SWEEP_EVERY_MS,
        demoSeed: env.POINTS_DEMO_SEED,
      },
    },
    sagas: {
      pollMs: env.SAGA_POLL_MS,
      stepMaxAttempts: env.SAGA_STEP_MAX_ATTEMPTS,
      compensationMaxAttempts: env.SAGA_COMPENSATION_MAX_ATTEMPTS,
      retryBaseMs: env.SAGA_RETRY_BASE_MS,
      retryCapMs: Math.max(env.SAGA_RETRY_BASE_MS, env.SAGA_RETRY_CAP_MS),
    },
    recon: { intervalMs: env.RECON_INTERVAL_MS, graceMs: env.RECON_GRACE_MS },
    retention: { ...messageRetention, refusedCallbackDays: env.REFUSED_CALLBACK_RETENTION_DAYS },
    invariants: {
      intervalMs: env.INVARIANTS_INTERVAL_MS,
      graceMs: env.INVARIANTS_GRACE_MS,
      fullSweepMs: env.INVARIANTS_FULL_SWEEP_MS,
    },
    fees: { commissionRate: env.COMMISSION_RATE },
    orderFeed: { pollMs: env.ORDER_FEED_POLL_MS, gapWaitMs: env.ORDER_FEED_GAP_WAIT_MS },
    web: { port: env.WEB_PORT, sessionSecret: env.SESSION_SECRET, sessionCookieSecure: env.SESSION_COOKIE_SECURE },
    auth: {
      maxFailuresPerEmail: env.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: env.LOGIN_ADDRESS_MAX_FAILURES,
      lockoutBaseMs: env.LOGIN_LOCKOUT_BASE_MS,
      lockoutMaxMs: Math.max(env.LOGIN_LOCKOUT_BASE_MS, env.LOGIN_LOCKOUT_MAX_MS),
      sessions: {
        idleMs: { CUSTOMER: env.SESSION_IDLE_CUSTOMER_MS, OPERATOR: env.SESSION_IDLE_OPERATOR_MS },
        absoluteMs: env.SESSION_ABSOLUTE_MS,
        stepUpMs: env.SESSION_STEP_UP_MS,
      },
    },
    worker: {
      roles: env.WORKER_ROLES.roles,
      gatewayBrokers: env.WORKER_ROLES.gatewayBrokers,
      receiverPort: env.RECEIVER_PORT,
      receiverUrl: env.RECEIVER_URL,
    },
    simulator: { port: env.BROKER_PORT, host: env.BROKER_HOST, fillDelayMs: env.BROKER_FILL_DELAY_MS },
  };
});

export type MeridianConfig = z.output<typeof ZMeridianConfig>;
