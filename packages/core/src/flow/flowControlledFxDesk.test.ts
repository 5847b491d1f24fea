// The FX desk behind flow control, as a broker is: an operator's forced-open breaker keyed "fxdesk" stops every call
// before it reaches the desk (NOT_SENT), failures open the desk's own breaker, a refusal is an answer that neither
// opens it nor is logged as an error, the desk's TPS comes from FX_DESK_TPS, and the rate bypasses it all, cached.
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHarness, ScriptedFxDesk, type Harness } from "../../test/harness";
import { databaseCallLog } from "../broker/callLog";
import { BrokerUnavailableError } from "../broker/port";
import { flowSettings } from "../composition";
import { loadConfig } from "../config/load";
import { FxDeskRefusal } from "../fxdesk/port";
import { FlowControl } from "./flowControl";
import type { FlowControlledFxDesk } from "./flowControlledFxDesk";

const OPERATOR = "ops@demo.meridian";

function deskFlow(h: Harness) {
  const config = loadConfig({ BROKER_BREAKER_MIN_CALLS: "4", FX_DESK_TPS: "37" });
  const flow = new FlowControl({
    prisma: h.db.prisma,
    redis: null,
    settings: flowSettings(config),
    logger: pino({ level: "silent" }),
    callLog: databaseCallLog(h.db.prisma),
    callTimeoutMs: 1000,
  });
  Object.assign(flow.circuits, { maxAgeMs: -1 }); // levers read on every call
  return flow;
}

async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof BrokerUnavailableError) return error.reason;
    if (error instanceof FxDeskRefusal) return error.code;
    throw error;
  }
}

describe("the FX desk behind flow control", () => {
  let h: Harness;
  let inner: ScriptedFxDesk;
  let flow: FlowControl;
  let desk: FlowControlledFxDesk;
  const convert = (clientKey = randomUUID()) =>
    desk.convert({ clientKey, sell: "KRW", buy: "USD", sellAmount: "1000000" });

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await h.db.prisma.brokerCircuit.deleteMany();
    await h.db.prisma.brokerCall.deleteMany();
    inner = new ScriptedFxDesk();
    flow = deskFlow(h);
    desk = flow.wrapFxDesk(inner);
  });

  it("forced open by an operator: nothing reaches the desk (NOT_SENT, logged) until released", async () => {
    const ops = await h.caller(OPERATOR);
    await ops.admin.brokers.forceBreaker({ brokerId: "fxdesk", state: "open", reason: "test: desk outage" });
    const key = randomUUID();
    expect(await outcomeOf(convert(key))).toBe("NOT_SENT");
    expect(await outcomeOf(desk.lookup(key))).toBe("NOT_SENT");
    expect(await outcomeOf(desk.reverse(key, randomUUID()))).toBe("NOT_SENT");
    expect(await outcomeOf(desk.quote())).toBe("NOT_SENT");
    expect(inner.calls).toEqual([]);
    const refused = await h.db.prisma.brokerCall.findMany({ where: { brokerId: "fxdesk" }, orderBy: { id: "asc" } });
    expect(refused.map((row) => [row.operation, row.outcome])).toEqual([
      ["fx.convert", "NOT_SENT"],
      ["fx.lookup", "NOT_SENT"],
      ["fx.reverse", "NOT_SENT"],
      ["fx.quote", "NOT_SENT"],
    ]);
    expect(refused[0]!.orderId).toBe(key);

    await ops.admin.brokers.releaseBreaker({ brokerId: "fxdesk", reason: "test: outage over" });
    expect(await outcomeOf(convert(key))).toBe("OK");
    expect(inner.conversions.size).toBe(1);
  });

  it("failures open the desk's breaker (mirrored as broker_circuits 'fxdesk'); refusals do not", async () => {
    for (let i = 0; i < 6; i++) inner.failNext("convert", { error: new FxDeskRefusal("QUOTE_EXPIRED", "expired") });
    for (let i = 0; i < 6; i++) expect(await outcomeOf(convert())).toBe("QUOTE_EXPIRED");
    expect(await outcomeOf(convert())).toBe("OK");
    const logged = await h.db.prisma.brokerCall.findMany({ where: { brokerId: "fxdesk" } });
    expect(new Set(logged.map((row) => row.outcome))).toEqual(new Set(["QUOTE_EXPIRED", "CONVERTED"]));
    expect(await h.db.prisma.brokerCircuit.findUnique({ where: { brokerId: "fxdesk" } })).toBeNull();

    // Seven answers in the window: by the eighth failure the failure rate is past 50 % and the breaker opens.
    for (let i = 0; i < 8; i++) inner.failNext("convert");
    const outcomes: string[] = [];
    for (let i = 0; i < 9; i++) outcomes.push(await outcomeOf(convert()));
    expect(outcomes[0]).toBe("TIMEOUT");
    expect(outcomes.at(-1)).toBe("NOT_SENT");
    expect(outcomes.filter((outcome) => outcome !== "TIMEOUT" && outcome !== "NOT_SENT")).toEqual([]);
    await expect
      .poll(() => h.db.prisma.brokerCircuit.findUnique({ where: { brokerId: "fxdesk" } }))
      .toMatchObject({ state: "open" });
    const callsBefore = inner.calls.length;
    expect(await outcomeOf(convert())).toBe("NOT_SENT");
    expect(inner.calls).toHaveLength(callsBefore);
  });

  it("limits the desk's calls per second by FX_DESK_TPS, beside the brokers'", async () => {
    expect(await flow.rateLimit.limit("fxdesk")).toBe(37);
    expect(await flow.rateLimit.limit("atlas")).toBe(loadConfig({}).brokers.flow.tps.atlas);
  });

  it("serves the rate past flow control, one answer a second", async () => {
    const ops = await h.caller(OPERATOR);
    await ops.admin.brokers.forceBreaker({ brokerId: "fxdesk", state: "open", reason: "test: desk outage" });
    const first = await desk.rate();
    inner.ask = "1500.00";
    expect(await desk.rate()).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await desk.rate()).ask).toBe("1500.00");
  });
});
