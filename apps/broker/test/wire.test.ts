// The simulator and core read the same wire shapes: what the simulator sends (webhooks, answers, fault switches)
// parses with the schemas core's receiver, adapter and console use, and the defaults the console shows are the
// simulator's own.
import {
  SimulatorControl,
  ZBrokerFaults,
  ZBrokerOrderView,
  ZExecutionWebhook,
  ZSubmitResult,
} from "@meridian/core/broker";
import { NO_FAULTS } from "@meridian/core/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
beforeAll(async () => void (harness = await startHarness()));
afterAll(() => harness.close());

describe("execution webhooks", () => {
  it("every webhook the simulator sends for one of our orders parses with the receiver's schema", async () => {
    // Our order ids are uuids, as the receiver requires.
    const request = marketOrder({ clientOrderId: crypto.randomUUID(), quantity: "37" });
    expect((await adapterFor(harness, "atlas").submitOrder(request)).outcome).toBe("ACCEPTED");
    const executions = await waitFor(() => {
      const delivered = executionsOf(harness.receiver, request.clientOrderId);
      return sumQuantities(delivered) === 37 && delivered;
    }, "the order's executions");
    for (const execution of executions) {
      const parsed = ZExecutionWebhook.safeParse(execution);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(parsed.data).toEqual(execution);
    }
    // The lookup carries the same executions, in the same shape.
    const view = ZBrokerOrderView.parse(
      (await api(harness.broker.url, "GET", `/brokers/atlas/orders/${request.clientOrderId}`)).body,
    );
    expect(view.executions.map((execution) => execution.execId).sort()).toEqual(
      executions.map((execution) => execution.execId).sort(),
    );
  });
});

describe("orders", () => {
  it("takes a null limitPrice on a market order as no limit price, as before the schema moved to core", async () => {
    const response = await api(harness.broker.url, "POST", "/brokers/atlas/orders", {
      ...marketOrder({ quantity: "1" }),
      limitPrice: null,
    });
    expect(response.status).toBe(200);
    expect(ZSubmitResult.parse(response.body).outcome).toBe("ACCEPTED");
  });
});

describe("fault switches", () => {
  it("a fresh or reset broker has exactly the defaults the console and the e2e tests use", async () => {
    const live = await api(harness.broker.url, "GET", "/brokers/atlas/faults");
    expect(ZBrokerFaults.parse(live.body)).toEqual(NO_FAULTS);
    expect(await new SimulatorControl(harness.broker.url).faults("atlas")).toEqual(NO_FAULTS);
  });

  it("the console's control reads back what it set, and the simulator refuses what the schema refuses", async () => {
    const control = new SimulatorControl(harness.broker.url);
    expect(await control.setFaults("atlas", { latencyMs: 5, errorRate: 0.25 })).toEqual({
      ...NO_FAULTS,
      latencyMs: 5,
      errorRate: 0.25,
    });
    const outOfRange = { latencyMs: 60_001 };
    expect(ZBrokerFaults.partial().safeParse(outOfRange).success).toBe(false);
    await expect(control.setFaults("atlas", outOfRange)).rejects.toThrow(/latencyMs/);
    expect((await control.faults("atlas"))?.latencyMs).toBe(5);
    await control.reset("atlas");
    expect(await control.faults("atlas")).toEqual(NO_FAULTS);
  });
});
