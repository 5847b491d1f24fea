// The simulated broker's capacity over HTTP: within it nothing changes, over it order calls slow down, past twice it
// they are shed with 503 OVER_CAPACITY before anything is made; and the broker's own count of calls per second.
import type { BrokerErrorBody } from "@meridian/core/broker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrokerStats, Faults } from "../src/index";
import { api, marketOrder, startHarness, type Harness } from "./support";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
afterEach(async () => {
  for (const brokerId of ["atlas", "harbor"]) await api(harness.broker.url, "POST", `/brokers/${brokerId}/reset`);
});

const url = () => harness.broker.url;
const stats = async () => (await api<BrokerStats>(url(), "GET", "/brokers/atlas/stats")).body;
const setFaults = async (patch: Partial<Faults>) => {
  const response = await api<Faults>(url(), "PUT", "/brokers/atlas/faults", patch);
  expect(response.status).toBe(200);
  return response.body;
};

interface Timed {
  status: number;
  code: string | undefined;
  ms: number;
}

async function timedSubmit(): Promise<Timed> {
  const started = performance.now();
  const response = await api<BrokerErrorBody | undefined>(url(), "POST", "/brokers/atlas/orders", marketOrder());
  return { status: response.status, code: response.body?.code, ms: performance.now() - started };
}

/** `count` submits offered at once. */
const burst = (count: number) => Promise.all(Array.from({ length: count }, () => timedSubmit()));

const totalCalls = (snapshot: BrokerStats) => snapshot.callsPerSecond.reduce((sum, entry) => sum + entry.calls, 0);

describe("broker capacity", () => {
  it("capacityTps 20: of 100 submits at once some are shed and make no order; the slowed ones are slower", async () => {
    await setFaults({ capacityTps: 20 });
    const unloaded = await timedSubmit();
    expect(unloaded.status).toBe(200);
    const before = await stats();

    const results = await burst(100);

    const accepted = results.filter((result) => result.status === 200);
    const shed = results.filter((result) => result.status === 503);
    expect(accepted.length + shed.length).toBe(100);
    expect(shed.every((result) => result.code === "OVER_CAPACITY")).toBe(true);
    // Up to 20 in the last second answer as usual, up to 40 answer late, the rest are shed.
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    expect(accepted.length).toBeLessThanOrEqual(40);
    expect(shed.length).toBeGreaterThanOrEqual(50);

    // Slowed, not shed: the slowest accepted call took on most of a second (up to 1 s at twice the capacity); a
    // shed call is answered at once.
    const slowest = Math.max(...accepted.map((result) => result.ms));
    expect(slowest).toBeGreaterThan(unloaded.ms + 400);
    const shedTimes = shed.map((result) => result.ms).sort((a, b) => a - b);
    expect(shedTimes[Math.floor(shedTimes.length / 2)]!).toBeLessThan(slowest);

    const after = await stats();
    expect(after.ordersCreated - before.ordersCreated).toBe(accepted.length);
    expect(after.overCapacityRejections).toBe(shed.length);
    // The broker's own count: every order call that reached it, shed ones too, per calendar second.
    expect(totalCalls(after)).toBe(101);
    expect(after.maxCallsPerSecond).toBeGreaterThanOrEqual(50);
    expect(after.maxCallsPerSecond).toBeLessThanOrEqual(101);
    expect(after.maxCallsPerSecond).toBe(Math.max(...after.callsPerSecond.map((entry) => entry.calls)));
    const nowSecond = Math.floor(Date.now() / 1000);
    for (const { second } of after.callsPerSecond) expect(nowSecond - second).toBeLessThan(120);
  });

  it("capacityConcurrent 2: of 10 concurrent submits some are slowed, the far-over ones shed", async () => {
    // A latency keeps every call in flight long enough for the ten to overlap.
    await setFaults({ capacityConcurrent: 2, latencyMs: 300 });

    const results = await burst(10);

    const accepted = results.filter((result) => result.status === 200);
    const shed = results.filter((result) => result.status === 503);
    expect(accepted.length + shed.length).toBe(10);
    expect(shed.every((result) => result.code === "OVER_CAPACITY")).toBe(true);
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    expect(shed.length).toBeGreaterThanOrEqual(1);
    const acceptedTimes = accepted.map((result) => result.ms);
    // The 3rd in flight waits 500 ms more than the latency, the 4th 1 s more.
    expect(Math.max(...acceptedTimes)).toBeGreaterThan(Math.min(...acceptedTimes) + 300);
    // Shed before the latency: at once.
    expect(Math.max(...shed.map((result) => result.ms))).toBeLessThan(Math.min(...acceptedTimes));

    const after = await stats();
    expect(after.maxConcurrent).toBeGreaterThanOrEqual(3);
    expect(after.maxConcurrent).toBeLessThanOrEqual(4);
    expect(after.overCapacityRejections).toBe(shed.length);
  });

  it("0 means unlimited: the same loads are all answered, and still counted", async () => {
    expect(await setFaults({ capacityTps: 20, capacityConcurrent: 2 })).toMatchObject({ capacityTps: 20 });
    expect(await setFaults({ capacityTps: 0, capacityConcurrent: 0 })).toMatchObject({
      capacityTps: 0,
      capacityConcurrent: 0,
    });

    const results = await burst(100);

    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    const after = await stats();
    expect(after.overCapacityRejections).toBe(0);
    expect(totalCalls(after)).toBe(100);
  });

  it("bounds submit, cancel, lookup and the report, not quotes; reset forgets the load", async () => {
    const order = marketOrder({ type: "LIMIT", limitPrice: "1.00" });
    expect((await api(url(), "POST", "/brokers/atlas/orders", order)).status).toBe(200);
    expect((await api(url(), "GET", `/brokers/atlas/orders/${order.clientOrderId}`)).status).toBe(200);
    expect((await api(url(), "GET", "/brokers/atlas/orders")).status).toBe(200);
    expect((await api(url(), "POST", `/brokers/atlas/orders/${order.clientOrderId}/cancel`)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await api(url(), "GET", "/brokers/atlas/quotes")).status).toBe(200);
    expect(totalCalls(await stats())).toBe(4);

    // Four order calls in the last second against a promise of one: each next order call is shed, quotes are not.
    await setFaults({ capacityTps: 1 });
    const before = await stats();
    for (const [method, path, body] of [
      ["POST", "/brokers/atlas/orders", marketOrder()],
      ["POST", `/brokers/atlas/orders/${order.clientOrderId}/cancel`, undefined],
      ["GET", `/brokers/atlas/orders/${order.clientOrderId}`, undefined],
      ["GET", "/brokers/atlas/orders", undefined],
    ] as const) {
      const response = await api<BrokerErrorBody>(url(), method, path, body);
      expect(response.status, path).toBe(503);
      expect(response.body.code).toBe("OVER_CAPACITY");
    }
    expect((await api(url(), "GET", "/brokers/atlas/quotes")).status).toBe(200);
    const after = await stats();
    expect(after.overCapacityRejections).toBe(4);
    expect(after.ordersCreated).toBe(before.ordersCreated);

    await api(url(), "POST", "/brokers/atlas/reset");
    const reset = await stats();
    expect(reset).toMatchObject({ callsPerSecond: [], maxCallsPerSecond: 0, maxConcurrent: 0 });
    expect(reset.overCapacityRejections).toBe(0);
    expect(reset.ordersCreated).toBe(after.ordersCreated); // the other counters stay
    expect((await api<Faults>(url(), "GET", "/brokers/atlas/faults")).body.capacityTps).toBe(0);
  });

  it("refuses a negative, fractional, too large or non-numeric capacity with 400, changing nothing", async () => {
    await setFaults({ capacityTps: 7, capacityConcurrent: 3 });
    for (const [patch, field] of [
      [{ capacityTps: -1 }, "capacityTps"],
      [{ capacityTps: 2.5 }, "capacityTps"],
      [{ capacityTps: 100_001 }, "capacityTps"],
      [{ capacityConcurrent: -3 }, "capacityConcurrent"],
      [{ capacityConcurrent: 0.5 }, "capacityConcurrent"],
      [{ capacityConcurrent: 10_001 }, "capacityConcurrent"],
      [{ capacityConcurrent: "4" }, "capacityConcurrent"],
      [{ capacityTps: 10, capacityConcurrent: -1 }, "capacityConcurrent"],
    ] as const) {
      const response = await api<BrokerErrorBody>(url(), "PUT", "/brokers/atlas/faults", patch);
      expect(response.status, JSON.stringify(patch)).toBe(400);
      expect(response.body.code).toBe("INVALID_FAULTS");
      expect(response.body.error).toContain(field);
    }
    expect((await api<Faults>(url(), "GET", "/brokers/atlas/faults")).body).toMatchObject({
      capacityTps: 7,
      capacityConcurrent: 3,
    });
  });
});
