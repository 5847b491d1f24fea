// The capacity model alone, on a clock the test moves.
import { describe, expect, it } from "vitest";
import { BrokerCapacity, loadOf, overloadDelayMs, type Admission, type CapacityLimits } from "../src/capacity";

const UNLIMITED: CapacityLimits = { capacityTps: 0, capacityConcurrent: 0 };

function modelAt(startMs: number) {
  const clock = { now: startMs };
  return { clock, capacity: new BrokerCapacity(() => clock.now) };
}

const admitted = (admission: Admission) => {
  if (admission.outcome !== "ADMITTED") throw new Error(`expected ADMITTED, got load ${admission.load}`);
  return admission;
};

describe("loadOf and overloadDelayMs", () => {
  it("take the larger of the set limits' loads, and 0 when none is set", () => {
    expect(loadOf(UNLIMITED, 1_000, 1_000)).toBe(0);
    expect(loadOf({ capacityTps: 10, capacityConcurrent: 0 }, 15, 99)).toBe(1.5);
    expect(loadOf({ capacityTps: 0, capacityConcurrent: 4 }, 99, 2)).toBe(0.5);
    expect(loadOf({ capacityTps: 10, capacityConcurrent: 4 }, 5, 6)).toBe(1.5);
    expect(loadOf({ capacityTps: 10, capacityConcurrent: 4 }, 25, 1)).toBe(2.5);
  });

  it("add nothing within capacity, then 1 s × (load − 1) up to twice it", () => {
    expect(overloadDelayMs(0)).toBe(0);
    expect(overloadDelayMs(1)).toBe(0);
    expect(overloadDelayMs(1.05)).toBeCloseTo(50);
    expect(overloadDelayMs(1.5)).toBe(500);
    expect(overloadDelayMs(2)).toBe(1_000);
  });
});

describe("BrokerCapacity", () => {
  it("by rate: as usual within the promise, slower up to twice it, then shed; recovers a second later", () => {
    const { clock, capacity } = modelAt(1_000_000);
    const limits = { capacityTps: 10, capacityConcurrent: 0 };
    for (let i = 0; i < 25; i++) {
      const admission = capacity.admit(limits);
      if (admission.outcome === "ADMITTED") admission.release();
      clock.now += 10;
    }
    const stats = capacity.stats();
    expect(stats.overCapacityRejections).toBe(5); // calls 21 to 25
    expect(stats.callsPerSecond).toEqual([{ second: 1_000, calls: 25 }]);
    expect(stats.maxCallsPerSecond).toBe(25);

    // The 10th call of a window is at load 1, the 11th at 1.1, the 20th at 2.
    const fresh = modelAt(0);
    const delays = Array.from({ length: 20 }, () => {
      const admission = admitted(fresh.capacity.admit(limits));
      admission.release();
      return admission.delayMs;
    });
    expect(delays.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(delays[10]).toBeCloseTo(100);
    expect(delays[19]).toBe(1_000);
    for (let i = 11; i < 20; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]!);
    expect(fresh.capacity.admit(limits).outcome).toBe("SHED");

    // The calls in the last second are what count: once the window has passed, a call is within capacity again.
    fresh.clock.now += 1_000;
    expect(admitted(fresh.capacity.admit(limits)).delayMs).toBe(0);
  });

  it("by concurrency: calls in flight until released; never more than twice the capacity in flight", () => {
    const { capacity } = modelAt(0);
    const limits = { capacityTps: 0, capacityConcurrent: 2 };
    const first = admitted(capacity.admit(limits));
    const second = admitted(capacity.admit(limits));
    const third = admitted(capacity.admit(limits));
    const fourth = admitted(capacity.admit(limits));
    expect([first.delayMs, second.delayMs, third.delayMs, fourth.delayMs]).toEqual([0, 0, 500, 1_000]);
    expect(capacity.admit(limits)).toEqual({ outcome: "SHED", load: 2.5 });
    expect(capacity.stats().maxConcurrent).toBe(4);

    // Release is idempotent: releasing one twice frees one place, not two.
    fourth.release();
    fourth.release();
    expect(admitted(capacity.admit(limits)).delayMs).toBe(1_000);
    expect(capacity.admit(limits).outcome).toBe("SHED");
    expect(capacity.stats()).toMatchObject({ maxConcurrent: 4, overCapacityRejections: 2 });
  });

  it("unlimited: admits everything undelayed, and still counts", () => {
    const { capacity } = modelAt(5_000);
    for (let i = 0; i < 1_000; i++) expect(admitted(capacity.admit(UNLIMITED)).delayMs).toBe(0);
    expect(capacity.stats()).toMatchObject({
      callsPerSecond: [{ second: 5, calls: 1_000 }],
      maxCallsPerSecond: 1_000,
      maxConcurrent: 1_000,
      overCapacityRejections: 0,
    });
  });

  it("counts per calendar second over the last 120 seconds; reset forgets all but what is in flight", () => {
    const { clock, capacity } = modelAt(10_500);
    // Second 10: two calls, both left in flight.
    const held = [admitted(capacity.admit(UNLIMITED)), admitted(capacity.admit(UNLIMITED))];
    clock.now = 11_999;
    admitted(capacity.admit(UNLIMITED)).release(); // second 11: 1 call
    clock.now = 14_000;
    for (let i = 0; i < 3; i++) admitted(capacity.admit(UNLIMITED)).release(); // second 14: 3 calls
    expect(capacity.stats().callsPerSecond).toEqual([
      { second: 10, calls: 2 },
      { second: 11, calls: 1 },
      { second: 14, calls: 3 },
    ]);
    expect(capacity.stats().maxCallsPerSecond).toBe(3);

    clock.now = 130_000; // second 130: seconds 10 (and before) are out of the last 120
    expect(capacity.stats().callsPerSecond).toEqual([
      { second: 11, calls: 1 },
      { second: 14, calls: 3 },
    ]);
    clock.now = 200_000;
    expect(capacity.stats()).toMatchObject({ callsPerSecond: [], maxCallsPerSecond: 0 });

    capacity.admit({ capacityTps: 0, capacityConcurrent: 1 }); // 3 in flight now: shed
    capacity.reset();
    // The two calls of second 10 are still in flight: the highest seen starts again from them.
    expect(capacity.stats()).toEqual({
      callsPerSecond: [],
      maxCallsPerSecond: 0,
      maxConcurrent: 2,
      overCapacityRejections: 0,
    });
    held[0]!.release();
    expect(admitted(capacity.admit({ capacityTps: 0, capacityConcurrent: 2 })).delayMs).toBe(0);
  });
});
