// The adaptive pool's limit (AIMD) and its slots: what the limit does when the broker slows down, fails and recovers,
// and that no more calls than the limit are ever in flight.
import { describe, expect, it } from "vitest";
import {
  AdaptivePool,
  AimdLimit,
  DEFAULT_ADAPTIVE_LIMIT,
  PoolFullError,
  type AdaptiveLimitSettings,
} from "./adaptiveLimit";

const SETTINGS: AdaptiveLimitSettings = { ...DEFAULT_ADAPTIVE_LIMIT, initial: 16, min: 2, max: 64, maxQueue: 10 };

/** `count` calls of `latencyMs`, each finding the pool full (in flight = the limit), as under a steady backlog. */
function busyCalls(aimd: AimdLimit, count: number, latencyMs: number, ok = true): void {
  for (let i = 0; i < count; i++) aimd.onSample({ latencyMs, ok }, aimd.limit);
}

describe("AIMD limit", () => {
  it("grows by one per healthy call while the pool is used, up to the ceiling", () => {
    const aimd = new AimdLimit(SETTINGS);
    busyCalls(aimd, 10, 50);
    expect(aimd.limit).toBe(26);
    busyCalls(aimd, 100, 50);
    expect(aimd.limit).toBe(64);
  });

  it("does not grow while the pool is mostly idle: an unused limit proves nothing", () => {
    const aimd = new AimdLimit(SETTINGS);
    for (let i = 0; i < 50; i++) aimd.onSample({ latencyMs: 50, ok: true }, 3);
    expect(aimd.limit).toBe(16);
  });

  it("shrinks by the backoff ratio on each failed call, never below the floor", () => {
    const aimd = new AimdLimit(SETTINGS);
    busyCalls(aimd, 1, 50, false);
    expect(aimd.limit).toBe(14); // 16 × 0.9 = 14.4
    busyCalls(aimd, 100, 50, false);
    expect(aimd.limit).toBe(2);
  });

  it("when the broker's latency quadruples, falls to the floor within 30 calls, and climbs back once it is restored", () => {
    const aimd = new AimdLimit(SETTINGS);
    busyCalls(aimd, 200, 50); // the baseline: 50 ms
    expect(aimd.limit).toBe(64);
    expect(aimd.baselineMs).toBe(50);

    busyCalls(aimd, 30, 200); // 4 × the baseline: every call reads as congestion
    expect(aimd.limit).toBe(2);

    busyCalls(aimd, 62, 50); // restored: one more call in flight per healthy call
    expect(aimd.limit).toBe(64);
  });

  it("accepts a lasting new latency as the baseline after some hundred calls", () => {
    const aimd = new AimdLimit(SETTINGS);
    busyCalls(aimd, 200, 50);
    busyCalls(aimd, 600, 200);
    expect(aimd.baselineMs).toBeGreaterThan(100); // 200 ms is no longer twice the baseline
    expect(aimd.limit).toBeGreaterThan(2);
  });
});

describe("adaptive pool", () => {
  it("never has more calls in flight than its limit, and runs every call", async () => {
    const pool = new AdaptivePool("atlas", { ...SETTINGS, initial: 4, max: 4, maxQueue: 1000 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        const slot = await pool.acquire();
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        slot.release({ latencyMs: 1, ok: true });
      }),
    );
    expect(most).toBe(4);
    expect(pool.inFlight).toBe(0);
  });

  it("refuses at once past its queue, and lets a waiter in when a slot frees", async () => {
    const pool = new AdaptivePool("atlas", { ...SETTINGS, initial: 2, min: 1, max: 2, maxQueue: 1 });
    const first = await pool.acquire();
    await pool.acquire();
    const waiting = pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolFullError);
    expect(pool.queued).toBe(1);
    first.release(null);
    await waiting;
    expect(pool.inFlight).toBe(2);
  });

  it("after the limit shrinks, admits no one until calls in flight fall under it", async () => {
    const pool = new AdaptivePool("atlas", { ...SETTINGS, initial: 3, min: 1, max: 3, maxQueue: 10 });
    const slots = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    let admitted = false;
    const waiter = pool.acquire().then((slot) => {
      admitted = true;
      return slot;
    });
    slots[0]!.release({ latencyMs: 10, ok: false }); // 3 × 0.9 → 2: one left the pool, two remain, limit 2
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(pool.limit).toBe(2);
    expect(admitted).toBe(false);
    slots[1]!.release(null);
    (await waiter).release(null);
    expect(admitted).toBe(true);
  });
});
