// The broker call limit's promises, for both stores: gateways hammering one broker together stay within N calls in
// every calendar second (and within N + ceil(N/10) in any second-long interval, whatever the broker's clock), yet get
// close to N; an operator's new limit reaches the other gateways within a second; 0 means unlimited; a waiter gives up
// after its budget or when told to. And the per-second check is shown able to fail: a plain fixed window breaks it.
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { sleep } from "../shared/sleep";
import { memoryRateLimit, RateLimitWaitExceeded, redisRateLimit, slotQuota, type BrokerRateLimit } from "./rateLimit";

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn("REDIS_URL is unset: the Redis rate limit suite is skipped (CI sets it; a skip fails CI)");

const N = 20;
/** A call admitted in a slot's last moments may resolve in the next second: one slot's quota of tolerance. */
const PER_CALENDAR_SECOND = N + Math.ceil(N / 10);
/** Any second-long interval spans ten slots and parts of two more (the second part only through resolve delay). */
const PER_ANY_SECOND = N + 2 * Math.ceil(N / 10);

const redisClients: Redis[] = [];
const prefixes: string[] = [];

function redisPair(): { clients: [Redis, Redis]; prefix: string } {
  const prefix = `meridian-test-${crypto.randomUUID()}:flow`;
  const clients: [Redis, Redis] = [new Redis(redisUrl!), new Redis(redisUrl!)]; // two gateway processes, two clients
  redisClients.push(...clients);
  prefixes.push(prefix);
  return { clients, prefix };
}

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redisClients[0]!.keys(`${prefix}:*`);
    if (keys.length > 0) await redisClients[0]!.del(...keys);
  }
  await Promise.all(redisClients.map((client) => client.quit()));
});

type Acquirer = Pick<BrokerRateLimit, "acquire">;

/** `callers` loops per gateway, each calling acquire() again as soon as it resolves, until `untilMs`. */
async function hammer(gateways: Acquirer[], brokerId: string, callers: number, untilMs: number): Promise<number[]> {
  const acquiredAt: number[] = [];
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), untilMs - Date.now());
  const caller = async (gateway: Acquirer) => {
    while (!stop.signal.aborted) {
      try {
        await gateway.acquire(brokerId, { maxWaitMs: 10_000, signal: stop.signal });
        acquiredAt.push(Date.now());
      } catch (error) {
        if (!(error instanceof RateLimitWaitExceeded)) throw error;
      }
      await new Promise(setImmediate); // an acquire that never waits must still let the stop timer fire
    }
  };
  await Promise.all(gateways.flatMap((gateway) => Array.from({ length: callers }, () => caller(gateway))));
  clearTimeout(timer);
  return acquiredAt;
}

/** One call per gateway every 100 ms until `untilMs`: a quiet market before the bell. */
async function trickle(gateways: Acquirer[], brokerId: string, untilMs: number): Promise<number[]> {
  const acquiredAt: number[] = [];
  await Promise.all(
    gateways.map(async (gateway) => {
      while (Date.now() < untilMs) {
        await gateway.acquire(brokerId);
        acquiredAt.push(Date.now());
        await sleep(100);
      }
    }),
  );
  return acquiredAt;
}

const calendarSecond = (ms: number) => Math.floor(ms / 1000);

function countPerSecond(acquiredAt: number[], seconds: number[]): number[] {
  return seconds.map((second) => acquiredAt.filter((at) => calendarSecond(at) === second).length);
}

/** The most acquisitions in any interval [t, t + 1 s), as a broker with an unknown clock offset might count them. */
function busiestInterval(acquiredAt: number[]): number {
  const sorted = [...acquiredAt].sort((x, y) => x - y);
  let busiest = 0;
  for (let first = 0, last = 0; first < sorted.length; first++) {
    while (last < sorted.length && sorted[last]! < sorted[first]! + 1000) last++;
    busiest = Math.max(busiest, last - first);
  }
  return busiest;
}

/**
 * Half a second of trickle, then at a calendar second's start 40 callers per gateway for three seconds. The trickle
 * starts a first-call window mid-second, so a window not aligned to calendar seconds overflows the surge's first second.
 */
async function quietThenSurge(gateways: Acquirer[], brokerId: string) {
  const quietSecond = calendarSecond(Date.now()) + 1;
  await sleep(quietSecond * 1000 + 500 - Date.now());
  const quiet = await trickle(gateways, brokerId, (quietSecond + 1) * 1000);
  const surge = await hammer(gateways, brokerId, 40, (quietSecond + 4) * 1000);
  const surgeSeconds = [1, 2, 3].map((offset) => quietSecond + offset);
  const acquiredAt = [...quiet, ...surge];
  return {
    perSecond: countPerSecond(acquiredAt, [quietSecond, ...surgeSeconds]),
    inSurgeSeconds: countPerSecond(acquiredAt, surgeSeconds).reduce((sum, count) => sum + count, 0),
    busiestInterval: busiestInterval(acquiredAt),
  };
}

describe("slot quotas", () => {
  it("deal exactly N calls over each second's ten slots, no slot more than ceil(N/10)", () => {
    for (let tps = 0; tps <= 250; tps++) {
      const quotas = Array.from({ length: 10 }, (_, slot) => slotQuota(tps, slot));
      expect(quotas.reduce((sum, quota) => sum + quota, 0)).toBe(tps);
      expect(Math.max(...quotas)).toBeLessThanOrEqual(Math.ceil(tps / 10));
      expect(quotas.every((quota) => quota >= 0)).toBe(true);
    }
    expect(slotQuota(1, 0)).toBe(1); // a broker allowed one call a second gets it at the second's start
  });
});

describe.each([
  [
    "Redis rate limit (two gateways)",
    Boolean(redisUrl),
    (defaults: Record<string, number>): BrokerRateLimit[] => {
      const { clients, prefix } = redisPair();
      return clients.map((client) => redisRateLimit(client, defaults, { prefix }));
    },
  ],
  ["in-memory rate limit", true, (defaults: Record<string, number>) => [memoryRateLimit(defaults)]],
] as const)("%s", (_name, enabled, makeGateways) => {
  it.runIf(enabled)(
    `keeps every calendar second within ${PER_CALENDAR_SECOND} at N=${N} under a surge, yet reaches 80% of N`,
    async () => {
      const gateways = makeGateways({ "broker-n": N });
      const { perSecond, inSurgeSeconds, busiestInterval } = await quietThenSurge(gateways, "broker-n");
      for (const count of perSecond) expect(count).toBeLessThanOrEqual(PER_CALENDAR_SECOND);
      expect(busiestInterval).toBeLessThanOrEqual(PER_ANY_SECOND);
      expect(inSurgeSeconds).toBeGreaterThanOrEqual(0.8 * N * 3);
    },
  );

  it.runIf(enabled)(
    "obeys a limit set through another gateway within a second, and returns to the default",
    async () => {
      const gateways = makeGateways({ "broker-lever": N });
      const [operator, other] = [gateways[0]!, gateways.at(-1)!];
      expect(await other.limit("broker-lever")).toBe(N);

      const hammering = hammer([other], "broker-lever", 40, Date.now() + 3_500);
      await sleep(500);
      await operator.setLimit("broker-lever", 5);
      const setAt = Date.now();
      const acquiredAt = await hammering;

      const obeyedFrom = calendarSecond(setAt + 1_000) + 1; // the first whole second a second after the change
      const seconds = [obeyedFrom, obeyedFrom + 1].filter((second) => (second + 1) * 1000 <= Math.max(...acquiredAt));
      expect(seconds.length).toBeGreaterThan(0);
      for (const count of countPerSecond(acquiredAt, seconds)) {
        expect(count).toBeGreaterThan(0);
        expect(count).toBeLessThanOrEqual(5 + 1);
      }
      expect(await other.limit("broker-lever")).toBe(5);

      await operator.setLimit("broker-lever", null);
      await sleep(1_000);
      expect(await other.limit("broker-lever")).toBe(N);
    },
  );

  it.runIf(enabled)("lets every call through at 0 (configured or set) and for a broker with no default", async () => {
    const gateways = makeGateways({ "broker-free": 0, "broker-set-free": N });
    await gateways[0]!.setLimit("broker-set-free", 0);
    for (const brokerId of ["broker-free", "broker-set-free", "broker-unconfigured"]) {
      const startedAt = Date.now();
      await Promise.all(Array.from({ length: 500 }, (_, i) => gateways[i % gateways.length]!.acquire(brokerId)));
      expect(Date.now() - startedAt).toBeLessThan(1_000);
      expect(await gateways[0]!.limit(brokerId)).toBe(0);
    }
  });

  it.runIf(enabled)("gives up after maxWaitMs, or at once when the caller aborts", async () => {
    const [gateway] = makeGateways({ "broker-slow": 1 });
    await gateway!.acquire("broker-slow", { maxWaitMs: 2_000 }); // this second's one call

    let startedAt = Date.now();
    const timedOut = await gateway!.acquire("broker-slow", { maxWaitMs: 200 }).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(RateLimitWaitExceeded);
    expect(timedOut).toMatchObject({ reason: "timeout", brokerId: "broker-slow", code: "TOO_MANY_REQUESTS" });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(Date.now() - startedAt).toBeLessThan(400);

    const caller = new AbortController();
    setTimeout(() => caller.abort(), 50);
    startedAt = Date.now();
    const aborted = await gateway!.acquire("broker-slow", { signal: caller.signal }).catch((error: unknown) => error);
    expect(aborted).toMatchObject({ reason: "aborted" });
    expect(Date.now() - startedAt).toBeLessThan(200);
  });

  it.runIf(enabled)("refuses a limit that is not a whole number ≥ 0", async () => {
    const [gateway] = makeGateways({});
    await expect(gateway!.setLimit("broker-x", -1)).rejects.toThrow(RangeError);
    await expect(gateway!.setLimit("broker-x", 2.5)).rejects.toThrow(RangeError);
  });
});

/** The naive setting: rate-limiter-flexible's own fixed window (N points per 1 s from the first call), waiting msBeforeNext. */
function fixedWindow(client: Redis, prefix: string): Acquirer {
  const limiter = new RateLimiterRedis({ storeClient: client, keyPrefix: `${prefix}:naive`, points: N, duration: 1 });
  return {
    async acquire(brokerId, options) {
      while (!options?.signal?.aborted) {
        try {
          await limiter.consume(brokerId);
          return;
        } catch (refused) {
          if (!(refused instanceof RateLimiterRes)) throw refused;
          await sleep(refused.msBeforeNext + Math.random() * 10, options?.signal);
        }
      }
      throw new RateLimitWaitExceeded(brokerId, "aborted");
    },
  };
}

describe.runIf(redisUrl)("the per-second check", () => {
  it("fails a plain fixed window, which lets through far more than N in the surge's first calendar second", async () => {
    const { clients, prefix } = redisPair();
    const { perSecond, busiestInterval } = await quietThenSurge(
      clients.map((client) => fixedWindow(client, prefix)),
      "broker-naive",
    );
    expect(Math.max(...perSecond)).toBeGreaterThan(PER_CALENDAR_SECOND);
    expect(busiestInterval).toBeGreaterThan(PER_ANY_SECOND);
  });
});
