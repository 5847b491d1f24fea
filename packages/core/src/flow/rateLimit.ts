// Calls per second per broker, one budget for every gateway: a partner promises to take N calls in each calendar second
// by its own clock, and all our gateway processes together must stay within it. The operator can lower or raise N at
// run time; with Redis the limit and the counters are shared, without it (the embedded default) they are this process'.
//
// Each calendar second is cut into ten 100 ms slots, and the N calls are dealt out over the slots (N = 20: two per
// slot; N = 5: one in every other slot). A slot's counter is keyed by its own number, so it starts on our clock's
// slot boundary rather than at the first call, as the library's fixed window would, which can let ~2N through in one
// calendar second. Hence:
// - in any calendar second of our clock, at most N calls are admitted;
// - in any 1-second interval at all, at most N + ceil(N/10) (ten whole slots and a part of an eleventh): so however
//   the broker's clock is offset from ours, it counts at most N + ceil(N/10) in its second while the delay to it is
//   steady. Each 100 ms by which that delay varies, or by which gateways' clocks disagree, adds up to ceil(N/10).
// A broker missing from the configured defaults, or set to 0, is not limited.
// The price: a burst of more than N/10 calls is spread over the second instead of sent at once.
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { DomainError } from "../shared/errors";
import { sleep } from "../shared/sleep";

export interface BrokerRateLimit {
  /** Waits until this broker may take one more call, or rejects with RateLimitWaitExceeded after maxWaitMs / when signal aborts. */
  acquire(brokerId: string, options?: { maxWaitMs?: number; signal?: AbortSignal }): Promise<void>;
  /** The operator's lever: calls per second for this broker, shared through Redis (all gateways read it); null = the configured default. */
  setLimit(brokerId: string, tps: number | null): Promise<void>;
  /** Calls per second for this broker; 0 = unlimited. */
  limit(brokerId: string): Promise<number>;
}

export class RateLimitWaitExceeded extends DomainError {
  constructor(
    readonly brokerId: string,
    readonly reason: "timeout" | "aborted",
  ) {
    super(
      "TOO_MANY_REQUESTS",
      `Broker ${brokerId} is at its agreed call rate; the call was not sent. Try again shortly.`,
    );
    this.name = "RateLimitWaitExceeded";
  }
}

const SLOTS_PER_SECOND = 10;
const SLOT_MS = 1000 / SLOTS_PER_SECOND;
/** Waiters wake up to this long after a slot opens, so they reach the counter one by one rather than all at once. */
const WAKE_JITTER_MS = 10;
/** How long a process trusts the limit it read; an operator's change reaches every gateway within this. */
const LIMIT_CACHE_MS = 500;
const DEFAULT_MAX_WAIT_MS = 5_000;

/** Calls allowed in slot `slot` (0–9) of a second at `tps`: the ten slots sum to exactly tps, earlier slots first. */
export function slotQuota(tps: number, slot: number): number {
  return Math.ceil(((slot + 1) * tps) / SLOTS_PER_SECOND) - Math.ceil((slot * tps) / SLOTS_PER_SECOND);
}

/**
 * The library is used as an atomic per-slot counter (INCR with expiry in one script; the same in memory) and for its
 * in-memory insurance, not for its window or its verdict: its window starts at the first call, its Redis TTL has
 * whole-second granularity (duration 0.1 gives a key that never expires), and a slot's quota changes slot by slot and
 * with the operator's limit. So `points` never rejects and admission compares the count with the slot's quota here;
 * `msBeforeNext` (the key's TTL) is not when the next slot opens, so the wait is taken from the clock instead.
 */
const COUNT_ONLY = { points: Number.MAX_SAFE_INTEGER, duration: 1 };

interface LimitStore {
  read(brokerId: string): Promise<number | null>;
  write(brokerId: string, tps: number | null): Promise<void>;
}

function limitFrom(stored: unknown): number | null {
  const tps = Number(stored);
  return stored !== null && Number.isInteger(tps) && tps >= 0 ? tps : null;
}

function assertLimit(brokerId: string, tps: number | null): void {
  if (tps !== null && !(Number.isInteger(tps) && tps >= 0)) {
    throw new RangeError(`The call limit for ${brokerId} must be a whole number ≥ 0 (0 = unlimited), got ${tps}`);
  }
}

/** Reads each broker's limit at most once per LIMIT_CACHE_MS; when the store fails, keeps the last value known. */
function cachedLimits(store: LimitStore, defaults: Record<string, number>) {
  const cache = new Map<string, { tps: Promise<number>; readAt: number }>();
  const fallback = (brokerId: string) => defaults[brokerId] ?? 0;
  return {
    get(brokerId: string): Promise<number> {
      const cached = cache.get(brokerId);
      if (cached && Date.now() - cached.readAt < LIMIT_CACHE_MS) return cached.tps;
      const lastKnown = cached?.tps ?? Promise.resolve(fallback(brokerId));
      const tps = store.read(brokerId).then(
        (stored) => stored ?? fallback(brokerId),
        () => lastKnown,
      );
      cache.set(brokerId, { tps, readAt: Date.now() });
      return tps;
    },
    forget(brokerId: string) {
      cache.delete(brokerId);
    },
  };
}

/** Settles with `work`, or rejects with `error()` as soon as `stop` aborts, even while `work` waits on a stalled store. */
function untilStopped(work: () => Promise<void>, stop: AbortSignal, error: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    const onStop = () => reject(error());
    if (stop.aborted) return onStop();
    stop.addEventListener("abort", onStop, { once: true });
    work()
      .then(resolve, reject)
      .finally(() => stop.removeEventListener("abort", onStop));
  });
}

function rateLimitOver(store: LimitStore, slotCounter: RateLimiterAbstract, defaults: Record<string, number>) {
  const limits = cachedLimits(store, defaults);

  async function takeTurn(brokerId: string, stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const tps = await limits.get(brokerId);
      if (tps === 0) return;
      const slot = Math.floor(Date.now() / SLOT_MS);
      const quota = slotQuota(tps, slot % SLOTS_PER_SECOND);
      if (quota > 0) {
        const counted = await slotCounter.consume(`${brokerId}:${slot}`);
        if (counted.consumedPoints <= quota) return;
      }
      await sleep((slot + 1) * SLOT_MS - Date.now() + Math.random() * WAKE_JITTER_MS, stop);
    }
  }

  const rateLimit: BrokerRateLimit = {
    acquire(brokerId, { maxWaitMs = DEFAULT_MAX_WAIT_MS, signal } = {}) {
      const deadline = AbortSignal.timeout(maxWaitMs);
      const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
      // A turn taken just as the caller gives up goes unused: one call of that slot lost per waiter that gave up.
      return untilStopped(
        () => takeTurn(brokerId, stop),
        stop,
        () => new RateLimitWaitExceeded(brokerId, signal?.aborted ? "aborted" : "timeout"),
      );
    },
    async setLimit(brokerId, tps) {
      assertLimit(brokerId, tps);
      await store.write(brokerId, tps);
      limits.forget(brokerId);
    },
    limit: (brokerId) => limits.get(brokerId),
  };
  return rateLimit;
}

export function redisRateLimit(
  redis: Redis,
  defaults: Record<string, number>,
  options: { prefix?: string } = {},
): BrokerRateLimit {
  const prefix = options.prefix ?? "meridian:flow";
  const limitKey = (brokerId: string) => `${prefix}:tps:${brokerId}`;
  const keyPrefix = `${prefix}:slot`;
  // While Redis fails, each gateway counts its slots alone: the broker may see up to (gateways × N) calls a second,
  // a bounded overshoot preferred to stopping every order until Redis returns.
  const slotCounter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    ...COUNT_ONLY,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, ...COUNT_ONLY }),
  });
  const store: LimitStore = {
    read: async (brokerId) => limitFrom(await redis.get(limitKey(brokerId))),
    async write(brokerId, tps) {
      if (tps === null) await redis.del(limitKey(brokerId));
      else await redis.set(limitKey(brokerId), String(tps));
    },
  };
  return rateLimitOver(store, slotCounter, defaults);
}

export function memoryRateLimit(defaults: Record<string, number>): BrokerRateLimit {
  const stored = new Map<string, number>();
  const store: LimitStore = {
    read: async (brokerId) => stored.get(brokerId) ?? null,
    async write(brokerId, tps) {
      if (tps === null) stored.delete(brokerId);
      else stored.set(brokerId, tps);
    },
  };
  return rateLimitOver(store, new RateLimiterMemory({ keyPrefix: "meridian-flow-slot", ...COUNT_ONLY }), defaults);
}
