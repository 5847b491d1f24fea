// A broker behind its flow control, with the operator's levers: a forced state wins over the breaker on every process
// that reads the levers, a release hands the broker back to the breaker, failures open the breaker and the opening is
// mirrored for other processes, and every lever is refused to customers and audited for operators.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { accountSnapshot, createHarness, ScriptedBroker, type Harness } from "../../test/harness";
import { BrokerUnavailableError, type BrokerOrderRequest } from "../broker/port";
import { loadConfig } from "../config/load";
import { FlowControl } from "./flowControl";
import type { FlowControlledBroker } from "./flowControlledBroker";

const OPERATOR = "ops@demo.meridian";
const REASON = "test: rehearse a partner outage";
const REQUEST: BrokerOrderRequest = {
  clientOrderId: "00000000-0000-4000-8000-000000000001",
  symbol: "AAPL",
  side: "BUY",
  type: "MARKET",
  quantity: "1",
  limitPrice: null,
  timeInForce: "DAY",
} as unknown as BrokerOrderRequest;

/** A gateway process's flow control: in memory, levers read every call (no cache), a small breaker window. */
function gatewayFlow(h: Harness, minimumCalls = 4) {
  const config = loadConfig({ BROKER_BREAKER_MIN_CALLS: String(minimumCalls), BROKER_TPS: "atlas=0,harbor=0" });
  const flow = new FlowControl({
    prisma: h.db.prisma,
    redis: null,
    settings: config.brokers.flow,
    logger: pino({ level: "silent" }),
    callTimeoutMs: 1000,
  });
  Object.assign(flow.circuits, { maxAgeMs: -1 }); // levers read on every call
  return flow;
}

async function submitOutcome(broker: FlowControlledBroker): Promise<string> {
  try {
    return (await broker.submitOrder(REQUEST)).outcome;
  } catch (error) {
    if (error instanceof BrokerUnavailableError) return error.reason;
    throw error;
  }
}

describe("flow control levers", () => {
  let h: Harness;
  let inner: ScriptedBroker;
  let broker: FlowControlledBroker;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await h.db.prisma.brokerCircuit.deleteMany();
    inner = new ScriptedBroker("atlas");
    broker = gatewayFlow(h).wrap(inner);
  });

  it("forced open: no call reaches the broker until released, and both acts are audited with who and why", async () => {
    const ops = await h.caller(OPERATOR);
    await ops.admin.brokers.forceBreaker({ brokerId: "atlas", state: "open", reason: REASON });

    expect(await submitOutcome(broker)).toBe("NOT_SENT");
    expect(inner.submitted).toHaveLength(0);

    await ops.admin.brokers.releaseBreaker({ brokerId: "atlas", reason: "test: outage over" });
    expect(await submitOutcome(broker)).toBe("ACCEPTED");
    expect(inner.submitted).toHaveLength(1);

    const audit = await h.db.prisma.auditLog.findMany({ where: { targetId: "atlas" }, orderBy: { id: "asc" } });
    expect(audit.map((row) => [row.action, row.reason])).toEqual([
      ["broker.breaker.force-open", REASON],
      ["broker.breaker.release", "test: outage over"],
    ]);
    expect(audit.every((row) => row.actor.startsWith("operator:"))).toBe(true);
  });

  it("failures open the breaker (mirrored for every process); forced closed sends every call whatever fails", async () => {
    inner.nextSubmit = async () => {
      throw new BrokerUnavailableError("atlas", "SERVER_ERROR", "503");
    };
    for (let i = 0; i < 4; i++) expect(await submitOutcome(broker)).toBe("SERVER_ERROR");
    await expect
      .poll(() => h.db.prisma.brokerCircuit.findUnique({ where: { brokerId: "atlas" } }))
      .toMatchObject({
        state: "open",
      });
    expect(await submitOutcome(broker)).toBe("NOT_SENT");
    expect(inner.submitted).toHaveLength(4);

    const ops = await h.caller(OPERATOR);
    await ops.admin.brokers.forceBreaker({ brokerId: "atlas", state: "closed", reason: REASON });
    for (let i = 0; i < 10; i++) expect(await submitOutcome(broker)).toBe("SERVER_ERROR");
    expect(inner.submitted).toHaveLength(14);
  });

  it("a calls-per-second limit set by an operator reaches the gateway's rate limiter", async () => {
    const flow = gatewayFlow(h);
    broker = flow.wrap(inner);
    expect(await flow.rateLimit.limit("atlas")).toBe(0);
    const ops = await h.caller(OPERATOR);
    await ops.admin.brokers.setTps({ brokerId: "atlas", tps: 7, reason: REASON });
    await submitOutcome(broker);
    expect(await flow.rateLimit.limit("atlas")).toBe(7);
    await ops.admin.brokers.setTps({ brokerId: "atlas", tps: null, reason: REASON });
    await submitOutcome(broker);
    expect(await flow.rateLimit.limit("atlas")).toBe(0);
  });

  it("customers and anonymous callers are refused every lever, and bad input changes nothing", async () => {
    const alice = await h.account("alice@demo.meridian");
    const before = await accountSnapshot(h.services, alice.id);
    const auditedBefore = await h.db.prisma.auditLog.count();
    const customer = await h.caller("alice@demo.meridian");
    await expect(
      customer.admin.brokers.forceBreaker({ brokerId: "atlas", state: "open", reason: REASON }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const anonymous = await h.caller(null);
    await expect(anonymous.admin.brokers.setTps({ brokerId: "atlas", tps: 1, reason: REASON })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });

    const ops = await h.caller(OPERATOR);
    await expect(
      ops.admin.brokers.forceBreaker({ brokerId: "nowhere", state: "open", reason: REASON }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("no broker") });
    await expect(ops.admin.brokers.setTps({ brokerId: "atlas", tps: -1, reason: REASON })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(ops.admin.brokers.setTps({ brokerId: "atlas", tps: 2.5, reason: REASON })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      ops.admin.brokers.forceBreaker({ brokerId: "atlas", state: "open", reason: "x" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(ops.admin.brokers.releaseBreaker({ brokerId: "atlas", reason: REASON })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    expect(await h.db.prisma.brokerCircuit.count()).toBe(0);
    expect(await h.db.prisma.auditLog.count()).toBe(auditedBefore);
    expect(await accountSnapshot(h.services, alice.id)).toBe(before);
  });
});

// In wall-clock time with real timers. The latency jumps tenfold, not fourfold: on a loaded two-core machine a 20 ms
// timer fires up to tens of milliseconds late, which lifts the measured baseline until a fourfold jump no longer reads
// as slow. The exact arithmetic of a quadrupling is adaptiveLimit.test.ts's, with no timers.
describe("the adaptive pool under a broker whose latency rises tenfold", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it("falls within 5 s while no call fails, and climbs back within 10 s of the latency being restored", async () => {
    const inner = new ScriptedBroker("atlas");
    let latencyMs = 20;
    inner.nextSubmit = async (request) => {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return { outcome: "ACCEPTED", brokerOrderId: `B-${request.clientOrderId}` };
    };
    const flow = gatewayFlow(h);
    const broker = flow.wrap(inner);
    const pool = flow.pool("atlas");
    const outcomes: string[] = [];
    let running = true;
    // 48 callers with a command always waiting: the pool is always in use.
    const callers = Array.from({ length: 48 }, async () => {
      while (running) outcomes.push(await submitOutcome(broker));
    });
    const within = async (ms: number, predicate: () => boolean) => {
      const deadline = Date.now() + ms;
      while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return predicate();
    };
    try {
      expect(await within(10_000, () => pool.limit >= 40)).toBe(true); // grown on a healthy broker
      const healthy = pool.limit;
      latencyMs = 200;
      expect(await within(5000, () => pool.limit <= healthy / 4)).toBe(true);
      latencyMs = 20;
      expect(await within(10_000, () => pool.limit >= healthy * 0.9)).toBe(true);
    } finally {
      running = false;
      await Promise.all(callers);
    }
    expect(outcomes.length).toBeGreaterThan(100);
    expect(outcomes.every((outcome) => outcome === "ACCEPTED")).toBe(true);
  }, 40_000);
});
