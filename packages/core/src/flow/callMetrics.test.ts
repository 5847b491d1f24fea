// The call metrics' promises, for both stores: calls recorded by two gateways land in one window, failure rate and TPS
// are counted over the time the buckets cover, percentiles come out within the histogram's 9.1%, the console's
// 15-minute series has a point for every bucket, and old buckets go away.
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Redis } from "ioredis";
import {
  CALL_METRICS_RETENTION_SECONDS,
  memoryCallMetrics,
  redisCallMetrics,
  type BrokerCallMetrics,
  type BrokerCallRecord,
} from "./callMetrics";

const redisUrl = process.env.REDIS_URL;
if (!redisUrl)
  console.warn("REDIS_URL is unset: the Redis call metrics suite is skipped (CI sets it; a skip fails CI)");

const BUCKET_MS = 10_000;
/** The histogram reports a bin's upper bound: at least the true value, at most 2^(1/8) above it. */
const BIN_RATIO = 2 ** (1 / 8);

/** Two gateways' views of the metrics; in memory there is one process, so both are the same instance. */
type Gateways = { a: BrokerCallMetrics; b: BrokerCallMetrics; prefix: string };

const redisClients: Redis[] = [];
const prefixes: string[] = [];

function redisGateways(): Gateways {
  const prefix = `meridian-test-${crypto.randomUUID()}:calls`;
  const [first, second] = [new Redis(redisUrl!), new Redis(redisUrl!)]; // as two gateway processes hold two clients
  redisClients.push(first, second);
  prefixes.push(prefix);
  return { a: redisCallMetrics(first, { prefix }), b: redisCallMetrics(second, { prefix }), prefix };
}

function memoryGateways(): Gateways {
  const metrics = memoryCallMetrics();
  return { a: metrics, b: metrics, prefix: "" };
}

afterAll(async () => {
  const cleaner = redisClients[0];
  for (const prefix of prefixes) {
    const keys = await cleaner!.keys(`${prefix}:*`);
    if (keys.length > 0) await cleaner!.del(...keys);
  }
  await Promise.all(redisClients.map((client) => client.quit()));
});

/** A moment 5 s into a bucket, so a test's calls sit in known buckets. */
function fiveSecondsIntoBucket(): number {
  return Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS + 5_000;
}

function call(brokerId: string, endedAt: number, fields: Partial<BrokerCallRecord> = {}): BrokerCallRecord {
  return {
    brokerId,
    operation: "submit",
    enqueuedAt: endedAt - 30,
    startedAt: endedAt - 20,
    endedAt,
    ok: true,
    ...fields,
  };
}

/** The nearest-rank percentile of the exact values, as the histogram approximates it. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

function expectWithinBin(reported: number | null, exact: number) {
  expect(reported).not.toBeNull();
  expect(reported!).toBeGreaterThanOrEqual(exact - 0.01);
  expect(reported!).toBeLessThanOrEqual(exact * BIN_RATIO + 0.01);
}

describe.each([
  ["Redis call metrics", Boolean(redisUrl), redisGateways],
  ["in-memory call metrics", true, memoryGateways],
] as const)("%s", (_name, enabled, makeGateways) => {
  const brokerId = () => `broker-${crypto.randomUUID().slice(0, 8)}`;

  it.runIf(enabled)(
    "merges two gateways' calls in one window, with failure rate and TPS over the covered time",
    async () => {
      const { a, b } = makeGateways();
      const broker = brokerId();
      const now = fiveSecondsIntoBucket();
      const calls = [
        ...Array.from({ length: 30 }, (_, i) => a.record(call(broker, now - 1_000 * i, { ok: i % 5 !== 0 }))),
        ...Array.from({ length: 10 }, (_, i) => b.record(call(broker, now - 500 - 1_000 * i, { ok: i % 5 !== 0 }))),
        b.record(call(broker, now - 120_000)), // before the window
        a.record(call("another-broker", now)),
      ];
      await Promise.all(calls);

      const window = await a.window(broker, 60, now);
      // 60 s back from 5 s into a bucket starts at a bucket boundary 65 s ago.
      expect(window).toMatchObject({ calls: 40, failures: 8, failureRate: 0.2, tps: 40 / 65 });
      expect(await b.window(broker, 60, now)).toEqual(window);
      expect(a.droppedRecords + b.droppedRecords).toBe(0);
    },
  );

  it.runIf(enabled)("reports latency and queue percentiles within the histogram's bin", async () => {
    const { a, b } = makeGateways();
    const broker = brokerId();
    const now = fiveSecondsIntoBucket();
    const latencies = Array.from({ length: 1000 }, (_, i) => i + 1); // 1..1000 ms
    const queueTimes = latencies.map((latency) => (latency % 7) * 40); // 0..240 ms
    await Promise.all(
      latencies.map((latency, i) => {
        const startedAt = now - 2_000 - latency;
        const record = { enqueuedAt: startedAt - queueTimes[i]!, startedAt, endedAt: now - 2_000 };
        return (i % 2 ? a : b).record(call(broker, now, record));
      }),
    );

    const window = await a.window(broker, 30, now);
    expect(window.calls).toBe(1000);
    expectWithinBin(window.p50Ms, nearestRank(latencies, 0.5));
    expectWithinBin(window.p99Ms, nearestRank(latencies, 0.99));
    expectWithinBin(window.queueP50Ms, nearestRank(queueTimes, 0.5));
    expectWithinBin(window.queueP99Ms, nearestRank(queueTimes, 0.99));
  });

  it.runIf(enabled)("keeps every single latency within 9.1% above, and never below", async () => {
    const { a } = makeGateways();
    const now = fiveSecondsIntoBucket();
    const latencies = [0, 1, 2, 3, 7, 10, 99, 100, 101, 250, 999, 1000, 4_999, 30_000];
    const brokers = latencies.map(() => brokerId());
    await Promise.all(
      latencies.map((latency, i) =>
        a.record(call(brokers[i]!, now, { startedAt: now - latency, enqueuedAt: now - latency })),
      ),
    );
    for (const [i, latency] of latencies.entries()) {
      const window = await a.window(brokers[i]!, 10, now);
      expectWithinBin(window.p50Ms, latency);
      expect(window.queueP99Ms).toBe(0);
    }
  });

  it.runIf(enabled)("reads an empty window as zeros and no percentiles", async () => {
    const { a } = makeGateways();
    expect(await a.window(brokerId(), 60)).toEqual({
      calls: 0,
      failures: 0,
      failureRate: 0,
      tps: 0,
      p50Ms: null,
      p99Ms: null,
      queueP50Ms: null,
      queueP99Ms: null,
    });
  });

  it.runIf(enabled)(
    "gives the console one point per complete bucket over 15 minutes, empty ones as zeros",
    async () => {
      const { a, b } = makeGateways();
      const broker = brokerId();
      const now = fiveSecondsIntoBucket();
      const currentBucket = now - 5_000;
      const twoBucketsAgo = currentBucket - 2 * BUCKET_MS;
      const tenMinutesAgo = currentBucket - 60 * BUCKET_MS;
      await Promise.all([
        a.record(call(broker, twoBucketsAgo + 1_000)),
        b.record(call(broker, twoBucketsAgo + 9_000, { ok: false })),
        a.record(call(broker, tenMinutesAgo + 3_000)),
        b.record(call(broker, now)), // the current bucket is not complete yet: not in the series
      ]);

      const series = await b.series(broker, 15, now);
      expect(series).toHaveLength(90);
      expect(series.map((point) => point.at)).toEqual(
        Array.from({ length: 90 }, (_, i) => currentBucket - (90 - i) * BUCKET_MS),
      );
      const byStart = new Map(series.map((point) => [point.at, point]));
      expect(byStart.get(twoBucketsAgo)).toMatchObject({ calls: 2, failures: 1, failureRate: 0.5, tps: 0.2 });
      expect(byStart.get(tenMinutesAgo)).toMatchObject({ calls: 1, failures: 0, tps: 0.1 });
      const empty = series.filter((point) => point.at !== twoBucketsAgo && point.at !== tenMinutesAgo);
      expect(empty).toHaveLength(88);
      for (const point of empty) expect(point).toMatchObject({ calls: 0, tps: 0, p50Ms: null, queueP99Ms: null });
    },
  );
});

describe.runIf(redisUrl)("Redis call metrics: storage", () => {
  it("sets every bucket to expire after the retention period", async () => {
    const { a, prefix } = redisGateways();
    const now = fiveSecondsIntoBucket();
    await a.record(call("broker-ttl", now));
    const ttl = await redisClients[0]!.ttl(`${prefix}:broker-ttl:${now - 5_000}`);
    expect(ttl).toBeGreaterThan(CALL_METRICS_RETENTION_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(CALL_METRICS_RETENTION_SECONDS);
  });

  it("swallows and counts a record Redis refuses, never failing the caller", async () => {
    const offline = new Redis(redisUrl!, { lazyConnect: true, enableOfflineQueue: false });
    const metrics = redisCallMetrics(offline, { prefix: `meridian-test-${crypto.randomUUID()}` });
    await expect(metrics.record(call("broker-down", Date.now()))).resolves.toBeUndefined();
    expect(metrics.droppedRecords).toBe(1);
    offline.disconnect();
  });
});

describe("in-memory call metrics: storage", () => {
  afterEach(() => vi.useRealTimers());

  it("forgets buckets after the retention period", async () => {
    const metrics = memoryCallMetrics();
    const recordedAt = fiveSecondsIntoBucket();
    await metrics.record(call("broker-old", recordedAt));
    expect((await metrics.window("broker-old", 30 * 60, recordedAt)).calls).toBe(1);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + (CALL_METRICS_RETENTION_SECONDS + 1) * 1000); // the retention runs from the write
    await metrics.record(call("broker-new", Date.now())); // a new bucket sweeps the expired ones
    expect((await metrics.window("broker-old", 30 * 60)).calls).toBe(0);
    expect((await metrics.window("broker-new", 60)).calls).toBe(1);
  });
});
