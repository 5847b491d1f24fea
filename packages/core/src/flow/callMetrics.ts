// What every gateway's broker calls looked like over time, after Toss Bank's flow control toward brokers: the moment a
// command entered a broker's pipeline, when its call started and ended, and whether it succeeded, counted into time
// buckets that the pool sizing, the breaker and the console read. With Redis the buckets are shared by every gateway;
// without it (the embedded default) one process keeps the same buckets in memory. Both run the same code below and
// differ only in where a bucket's counters live.
import type { Redis } from "ioredis";

export interface BrokerCallRecord {
  brokerId: string;
  /** submit | cancel | lookup */
  operation: string;
  /** ms epoch: the command entered this broker's pipeline (queue time = startedAt - enqueuedAt) */
  enqueuedAt: number;
  startedAt: number;
  endedAt: number;
  /** false: timeout, network, 5xx, not sent */
  ok: boolean;
}

export interface CallWindow {
  calls: number;
  failures: number;
  failureRate: number;
  tps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  queueP50Ms: number | null;
  queueP99Ms: number | null;
}

export interface CallSeriesPoint extends CallWindow {
  /** bucket start, ms epoch */
  at: number;
}

export interface BrokerCallMetrics {
  /** One round trip; never throws: a lost sample must not fail the broker call it describes (see droppedRecords). */
  record(call: BrokerCallRecord): Promise<void>;
  /** The last `seconds` up to `now`, widened to whole buckets: the current one and enough before it. */
  window(brokerId: string, seconds: number, now?: number): Promise<CallWindow>;
  /** One point per complete bucket over the last `minutes`, oldest first, empty buckets as zeros. */
  series(brokerId: string, minutes: number, now?: number): Promise<CallSeriesPoint[]>;
  /** Samples record() could not store (Redis down or refusing), since this instance started. */
  readonly droppedRecords: number;
}

const DEFAULT_BUCKET_SECONDS = 10;
/** Buckets live 20 minutes: the console's 15-minute series plus room for a slow reader. */
export const CALL_METRICS_RETENTION_SECONDS = 20 * 60;

// Latency histogram bins, on a log scale with 8 steps per doubling (each bin's upper bound is 2^(1/8) ≈ 1.0905 times
// the one below). Bin 0 holds 0 ms, bin 1 holds (0, 1] ms, bin b ≥ 2 holds (2^((b-2)/8), 2^((b-1)/8)] ms: bin 9 is
// (1.83, 2] ms, bin 81 is (939, 1024] ms. The last bin (161, up to 2^20 ms ≈ 17 minutes) also takes anything longer.
// A percentile reports its bin's upper bound: never below the true value (to 0.01 ms), at most 9.1% above it.
const STEPS_PER_DOUBLING = 8;
const LAST_BIN = 1 + 20 * STEPS_PER_DOUBLING;

function latencyBin(ms: number): number {
  if (!(ms > 0)) return 0;
  const step = Math.ceil(Math.log2(ms) * STEPS_PER_DOUBLING);
  return Math.min(LAST_BIN, 1 + Math.max(0, step));
}

function binUpperBoundMs(bin: number): number {
  return bin === 0 ? 0 : 2 ** ((bin - 1) / STEPS_PER_DOUBLING);
}

/** A bucket's counters as stored: `calls`, `failures`, and histogram counts under `l:<bin>` (latency), `q:<bin>` (queue). */
type BucketCounters = Record<string, number>;

function incrementsFor(call: BrokerCallRecord): BucketCounters {
  const latencyField = `l:${latencyBin(call.endedAt - call.startedAt)}`;
  const queueField = `q:${latencyBin(call.startedAt - call.enqueuedAt)}`;
  return { calls: 1, ...(call.ok ? {} : { failures: 1 }), [latencyField]: 1, [queueField]: 1 };
}

/** Nearest-rank percentile over histogram bins, as the upper bound of the bin holding that rank. */
function percentile(binCounts: Map<number, number>, total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bin of [...binCounts.keys()].sort((a, b) => a - b)) {
    seen += binCounts.get(bin)!;
    if (seen >= rank) return Math.round(binUpperBoundMs(bin) * 100) / 100;
  }
  return null;
}

function histogram(buckets: BucketCounters[], prefix: "l:" | "q:"): Map<number, number> {
  const counts = new Map<number, number>();
  for (const bucket of buckets) {
    for (const [field, count] of Object.entries(bucket)) {
      if (!field.startsWith(prefix)) continue;
      const bin = Number(field.slice(prefix.length));
      counts.set(bin, (counts.get(bin) ?? 0) + count);
    }
  }
  return counts;
}

function summarize(buckets: BucketCounters[], coveredSeconds: number): CallWindow {
  const calls = buckets.reduce((sum, bucket) => sum + (bucket.calls ?? 0), 0);
  const failures = buckets.reduce((sum, bucket) => sum + (bucket.failures ?? 0), 0);
  const latency = histogram(buckets, "l:");
  const queue = histogram(buckets, "q:");
  return {
    calls,
    failures,
    failureRate: calls === 0 ? 0 : failures / calls,
    tps: coveredSeconds > 0 ? calls / coveredSeconds : 0,
    p50Ms: percentile(latency, calls, 0.5),
    p99Ms: percentile(latency, calls, 0.99),
    queueP50Ms: percentile(queue, calls, 0.5),
    queueP99Ms: percentile(queue, calls, 0.99),
  };
}

/** Where a bucket's counters live: a Redis hash shared by every gateway, or a Map in this process. */
interface BucketStore {
  add(brokerId: string, bucketStart: number, increments: BucketCounters): Promise<void>;
  /** The buckets at these starts, in order; a missing or expired bucket reads as {}. */
  read(brokerId: string, bucketStarts: number[]): Promise<BucketCounters[]>;
}

function metricsOver(store: BucketStore, bucketSeconds = DEFAULT_BUCKET_SECONDS): BrokerCallMetrics {
  if (!(bucketSeconds > 0)) throw new RangeError(`bucketSeconds must be positive, got ${bucketSeconds}`);
  const bucketMs = bucketSeconds * 1000;
  const bucketOf = (ms: number) => Math.floor(ms / bucketMs) * bucketMs;
  let droppedRecords = 0;

  return {
    get droppedRecords() {
      return droppedRecords;
    },
    // Counted in the bucket where the call ended: a bucket's calls are the ones whose outcome was known by then.
    async record(call) {
      try {
        await store.add(call.brokerId, bucketOf(call.endedAt), incrementsFor(call));
      } catch {
        droppedRecords++;
      }
    },
    // TPS divides by the time the buckets actually cover (between `seconds` and `seconds` + one bucket), so a
    // window that has just entered a new bucket neither inflates nor dilutes the rate.
    async window(brokerId, seconds, now = Date.now()) {
      const first = bucketOf(now - seconds * 1000);
      const starts: number[] = [];
      for (let start = first; start <= now; start += bucketMs) starts.push(start);
      return summarize(await store.read(brokerId, starts), (now - first) / 1000);
    },
    // Only complete buckets: every point of a chart then means the same length of time.
    async series(brokerId, minutes, now = Date.now()) {
      const count = Math.ceil((minutes * 60) / bucketSeconds);
      const lastComplete = bucketOf(now) - bucketMs;
      const starts = Array.from({ length: count }, (_, i) => lastComplete - (count - 1 - i) * bucketMs);
      const buckets = await store.read(brokerId, starts);
      return buckets.map((bucket, i) => ({ at: starts[i]!, ...summarize([bucket], bucketSeconds) }));
    },
  };
}

export function redisCallMetrics(
  redis: Redis,
  options: { prefix?: string; bucketSeconds?: number } = {},
): BrokerCallMetrics {
  const prefix = options.prefix ?? "meridian:flow:calls";
  const keyOf = (brokerId: string, bucketStart: number) => `${prefix}:${brokerId}:${bucketStart}`;
  return metricsOver(
    {
      async add(brokerId, bucketStart, increments) {
        const key = keyOf(brokerId, bucketStart);
        const tx = redis.multi();
        for (const [field, by] of Object.entries(increments)) tx.hincrby(key, field, by);
        tx.expire(key, CALL_METRICS_RETENTION_SECONDS);
        const replies = await tx.exec();
        const failed = !replies || replies.some(([error]) => error);
        if (failed) throw new Error(`call metrics for ${brokerId} were not stored`);
      },
      async read(brokerId, bucketStarts) {
        const replies = await redis.pipeline(bucketStarts.map((start) => ["hgetall", keyOf(brokerId, start)])).exec();
        return (replies ?? []).map(([error, hash]) => {
          if (error) throw error;
          return Object.fromEntries(Object.entries(hash as Record<string, string>).map(([f, n]) => [f, Number(n)]));
        });
      },
    },
    options.bucketSeconds,
  );
}

export function memoryCallMetrics(options: { bucketSeconds?: number } = {}): BrokerCallMetrics {
  // Each bucket expires CALL_METRICS_RETENTION_SECONDS after its last write, as the Redis key's EXPIRE does.
  const buckets = new Map<string, { counters: BucketCounters; expiresAt: number }>();
  const keyOf = (brokerId: string, bucketStart: number) => `${brokerId}:${bucketStart}`;
  const dropExpired = (now: number) => {
    for (const [key, bucket] of buckets) if (bucket.expiresAt <= now) buckets.delete(key);
  };

  return metricsOver(
    {
      async add(brokerId, bucketStart, increments) {
        const now = Date.now();
        const key = keyOf(brokerId, bucketStart);
        let bucket = buckets.get(key);
        if (!bucket || bucket.expiresAt <= now) {
          dropExpired(now); // once per new bucket, so the sweep costs nothing per call
          bucket = { counters: {}, expiresAt: 0 };
          buckets.set(key, bucket);
        }
        for (const [field, by] of Object.entries(increments))
          bucket.counters[field] = (bucket.counters[field] ?? 0) + by;
        bucket.expiresAt = now + CALL_METRICS_RETENTION_SECONDS * 1000;
      },
      async read(brokerId, bucketStarts) {
        const now = Date.now();
        return bucketStarts.map((start) => {
          const bucket = buckets.get(keyOf(brokerId, start));
          return bucket && bucket.expiresAt > now ? { ...bucket.counters } : {};
        });
      },
    },
    options.bucketSeconds,
  );
}
