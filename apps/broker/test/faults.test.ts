import { BrokerUnavailableError, HttpBrokerAdapter } from "@meridian/core/broker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrokerStats, Faults } from "../src/index";
import {
  adapterFor,
  api,
  executionsOf,
  marketOrder,
  startHarness,
  sumQuantities,
  waitFor,
  type Harness,
} from "./support";

let harness: Harness;
let atlas: HttpBrokerAdapter;

beforeAll(async () => {
  harness = await startHarness();
  atlas = adapterFor(harness, "atlas");
});
afterAll(() => harness.close());
afterEach(async () => {
  harness.receiver.respondWith = 200;
  for (const brokerId of ["atlas", "harbor"]) await api(harness.broker.url, "POST", `/brokers/${brokerId}/reset`);
});

const url = () => harness.broker.url;
const stats = async () => (await api<BrokerStats>(url(), "GET", "/brokers/atlas/stats")).body;
const setFaults = async (patch: Partial<Faults>, brokerId = "atlas") => {
  const response = await api<Faults>(url(), "PUT", `/brokers/${brokerId}/faults`, patch);
  expect(response.status).toBe(200);
  return response.body;
};

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("fault controls", () => {
  it("merge a partial PUT, refuse out-of-range values naming the field and change nothing, and reset", async () => {
    expect(await setFaults({ latencyMs: 5 })).toMatchObject({ latencyMs: 5, errorRate: 0 });
    expect(await setFaults({ rejectRate: 0.25 })).toMatchObject({ latencyMs: 5, rejectRate: 0.25 });

    for (const [patch, field] of [
      [{ errorRate: 1.5 }, "errorRate"],
      [{ dropResponseRate: -0.1 }, "dropResponseRate"],
      [{ latencyMs: 60_001 }, "latencyMs"],
      [{ latencyJitterMs: -1 }, "latencyJitterMs"],
      [{ down: "yes" }, "down"],
      [{ rejectRate: 0.5, latencyMs: 70_000 }, "latencyMs"],
      [{ bogus: 1 }, "bogus"],
    ] as const) {
      const response = await api<{ error: string }>(url(), "PUT", "/brokers/atlas/faults", patch);
      expect(response.status, JSON.stringify(patch)).toBe(400);
      expect(response.body.error).toContain(field);
    }
    const unchanged = await api<Faults>(url(), "GET", "/brokers/atlas/faults");
    expect(unchanged.body).toMatchObject({
      latencyMs: 5,
      rejectRate: 0.25,
      errorRate: 0,
      dropResponseRate: 0,
      down: false,
    });
    // Faults are per broker.
    expect((await api<Faults>(url(), "GET", "/brokers/harbor/faults")).body.rejectRate).toBe(0);

    await api(url(), "POST", "/brokers/atlas/reset");
    expect((await api<Faults>(url(), "GET", "/brokers/atlas/faults")).body).toMatchObject({
      latencyMs: 0,
      rejectRate: 0,
    });
  });

  it("errorRate 1: the adapter throws SERVER_ERROR and no order is created", async () => {
    await setFaults({ errorRate: 1 });
    const before = await stats();
    const request = marketOrder();
    const error = await rejectionOf(atlas.submitOrder(request));
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error).toMatchObject({ reason: "SERVER_ERROR", brokerId: "atlas" });
    expect((await stats()).ordersCreated).toBe(before.ordersCreated);
    await api(url(), "POST", "/brokers/atlas/reset");
    expect(await atlas.lookupOrder(request.clientOrderId)).toBeNull();
  });

  it("dropResponseRate 1: the adapter times out, yet the order was made; a retry with the same id is a duplicate", async () => {
    await setFaults({ dropResponseRate: 1 });
    const impatient = new HttpBrokerAdapter({
      brokerId: "atlas",
      baseUrl: url(),
      capabilities: { lookupByClientOrderId: true },
      timeoutMs: 300,
    });
    const request = marketOrder({ quantity: "7" });
    const error = await rejectionOf(impatient.submitOrder(request));
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error).toMatchObject({ reason: "TIMEOUT" });

    await api(url(), "POST", "/brokers/atlas/reset");
    const found = await atlas.lookupOrder(request.clientOrderId);
    expect(found).toMatchObject({ clientOrderId: request.clientOrderId, quantity: "7" });
    const before = await stats();
    const retried = await atlas.submitOrder(request);
    expect(retried).toEqual({
      outcome: "ACCEPTED",
      brokerOrderId: found!.brokerOrderId,
      status: found!.status,
      filledQuantity: found!.filledQuantity,
    });
    const after = await stats();
    expect(after.duplicateSubmits - before.duplicateSubmits).toBe(1);
    expect(after.ordersCreated).toBe(before.ordersCreated);
  });

  it("latency past the adapter's timeout is a TIMEOUT; down answers 503 to every partner call", async () => {
    await setFaults({ latencyMs: 500 });
    const impatient = new HttpBrokerAdapter({
      brokerId: "atlas",
      baseUrl: url(),
      capabilities: { lookupByClientOrderId: true },
      timeoutMs: 150,
    });
    expect(await rejectionOf(impatient.getQuotes())).toMatchObject({ reason: "TIMEOUT" });

    await setFaults({ latencyMs: 0, down: true });
    expect(await rejectionOf(atlas.getQuotes())).toMatchObject({ reason: "SERVER_ERROR" });
    expect(await rejectionOf(atlas.cancelOrder("anything"))).toMatchObject({ reason: "SERVER_ERROR" });
    expect((await api(url(), "GET", "/brokers/atlas/stats")).status).toBe(200); // control routes stay up
    // The other broker is unaffected.
    const harbor = new HttpBrokerAdapter({
      brokerId: "harbor",
      baseUrl: url(),
      capabilities: { lookupByClientOrderId: false },
    });
    expect((await harbor.getQuotes()).length).toBeGreaterThan(0);
  });

  it("connection refused is NETWORK", async () => {
    const nowhere = new HttpBrokerAdapter({
      brokerId: "atlas",
      baseUrl: "http://127.0.0.1:1",
      capabilities: { lookupByClientOrderId: true },
    });
    expect(await rejectionOf(nowhere.getQuotes())).toMatchObject({ reason: "NETWORK" });
  });

  it("rejectRate 1: a valid order is business-rejected", async () => {
    await setFaults({ rejectRate: 1 });
    expect(await atlas.submitOrder(marketOrder())).toMatchObject({ outcome: "REJECTED" });
  });
});

describe("execution delivery faults", () => {
  it("duplicateExecutionRate 1: the receiver sees every execId twice", async () => {
    await setFaults({ duplicateExecutionRate: 1 });
    const request = marketOrder({ quantity: "30" });
    await atlas.submitOrder(request);
    const executions = await waitFor(() => {
      const seen = executionsOf(harness.receiver, request.clientOrderId);
      return sumQuantities(seen) >= 60 && seen;
    }, "duplicated executions");
    expect(sumQuantities(executions)).toBe(60);
    const counts = new Map<string, number>();
    for (const execution of executions) counts.set(execution.execId, (counts.get(execution.execId) ?? 0) + 1);
    expect([...counts.values()].every((count) => count === 2)).toBe(true);
    const view = await atlas.lookupOrder(request.clientOrderId);
    expect(view!.executions).toHaveLength(counts.size);
  });

  it("pauseExecutions holds deliveries until unpaused", async () => {
    await setFaults({ pauseExecutions: true });
    const request = marketOrder({ quantity: "9" });
    await atlas.submitOrder(request);
    await waitFor(
      async () => (await atlas.lookupOrder(request.clientOrderId))?.status === "FILLED",
      "the order to fill",
    );
    expect(executionsOf(harness.receiver, request.clientOrderId)).toEqual([]);
    await setFaults({ pauseExecutions: false });
    await waitFor(
      () => sumQuantities(executionsOf(harness.receiver, request.clientOrderId)) === 9,
      "deliveries after unpause",
    );
  });

  it("reorderExecutions delivers an order's executions newest first", async () => {
    await setFaults({ reorderExecutions: true });
    const requests = Array.from({ length: 10 }, () => marketOrder({ quantity: "90", symbol: "AMZN" }));
    for (const request of requests) await atlas.submitOrder(request);
    let multiFill = 0;
    for (const request of requests) {
      const delivered = await waitFor(() => {
        const seen = executionsOf(harness.receiver, request.clientOrderId);
        return sumQuantities(seen) === 90 && seen;
      }, "reordered deliveries");
      const view = await atlas.lookupOrder(request.clientOrderId);
      const produced = view!.executions.map((execution) => execution.execId);
      expect(delivered.map((execution) => execution.execId)).toEqual([...produced].reverse());
      if (produced.length > 1) multiFill++;
    }
    expect(multiFill).toBeGreaterThan(0);
  });

  it("retries on a receiver 5xx until it recovers, keeping each order's executions in order", async () => {
    harness.receiver.respondWith = 503;
    const before = await stats();
    const request = marketOrder({ quantity: "50", symbol: "META" });
    await atlas.submitOrder(request);
    await waitFor(async () => (await stats()).webhookFailures - before.webhookFailures >= 3, "failed attempts");
    harness.receiver.respondWith = 200;
    const delivered = await waitFor(() => {
      const seen = executionsOf(harness.receiver, request.clientOrderId);
      return sumQuantities(seen) === 50 && seen;
    }, "delivery after the receiver recovers");
    const view = await atlas.lookupOrder(request.clientOrderId);
    expect(delivered.map((execution) => execution.execId)).toEqual(
      view!.executions.map((execution) => execution.execId),
    );
  });

  it("stops on a receiver 4xx: one attempt per execution, no retry", async () => {
    harness.receiver.respondWith = 422;
    const attemptsBefore = harness.receiver.attempts;
    const request = marketOrder({ quantity: "20", symbol: "NFLX" });
    await atlas.submitOrder(request);
    await waitFor(
      async () => (await atlas.lookupOrder(request.clientOrderId))?.status === "FILLED",
      "the order to fill",
    );
    await waitFor(async () => (await stats()).deliveriesPending === 0, "deliveries to settle");
    const view = await atlas.lookupOrder(request.clientOrderId);
    expect(harness.receiver.attempts - attemptsBefore).toBe(view!.executions.length);
    expect(executionsOf(harness.receiver, request.clientOrderId)).toEqual([]);
  });
});
