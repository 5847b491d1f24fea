// The simulated FX desk over HTTP, as Meridian's adapter (HttpFxDesk) and a raw client see it: a key converts once
// however often it is sent, a key reused for other terms is refused, quotes expire, a dropped response leaves a
// conversion that lookup and the report find, a conversion is reversed once, and the fault switches behave as a
// broker's.
import {
  BrokerUnavailableError,
  FxDeskRefusal,
  HttpFxDesk,
  type FxConversion,
  type FxDeskStats,
  type FxRate,
} from "@meridian/core/fxdesk";
import type { BrokerFaults } from "@meridian/core/broker";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createBrokerServer, type BrokerServer } from "../src/index";
import { api, SECRETS, startReceiver, type Receiver } from "./support";

const QUOTE_TTL_MS = 300;

let server: BrokerServer;
let receiver: Receiver;
let desk: HttpFxDesk;
let root: string;
let sequence = 0;
const newKey = () => `fx-test-${process.pid}-${Date.now()}-${++sequence}`;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await createBrokerServer({
    port: 0,
    receiverUrl: receiver.url,
    secrets: { ...SECRETS },
    quoteTickMs: 50,
    fxDesk: { quoteTtlMs: QUOTE_TTL_MS },
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
  });
  root = `${server.url}/fxdesk`;
  desk = new HttpFxDesk({ baseUrl: root, timeoutMs: 1000 });
  // Amounts below are worked out at this mid: bid 1373.10, ask 1386.90.
  expect((await api<FxRate>(root, "POST", "/rate", { mid: "1380.00" })).body).toMatchObject({
    bid: "1373.10",
    ask: "1386.90",
  });
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});
afterEach(async () => {
  await api(root, "POST", "/reset");
});

const stats = async () => (await api<FxDeskStats>(root, "GET", "/stats")).body;
const setFaults = async (patch: Partial<BrokerFaults>) => {
  const response = await api<BrokerFaults>(root, "PUT", "/faults", patch);
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

describe("the FX desk's rate", () => {
  it("walks around 1,380 with 50 bp either side, rounded to the won's hundredth", async () => {
    await api(root, "DELETE", "/rate");
    try {
      for (let i = 0; i < 5; i++) {
        const rate = await desk.rate();
        const [bid, ask, mid] = [Number(rate.bid), Number(rate.ask), Number(rate.mid)];
        expect(Math.abs(mid - 1380)).toBeLessThan(30);
        expect(Math.abs(bid - mid * 0.995)).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Math.abs(ask - mid * 1.005)).toBeLessThanOrEqual(0.005 + 1e-9);
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    } finally {
      await api(root, "POST", "/rate", { mid: "1380.00" });
    }
  });
});

describe("conversions", () => {
  it("are idempotent by clientKey: sent twice, converted once, reported once", async () => {
    const since = new Date();
    const before = await stats();
    const request = { clientKey: newKey(), sell: "KRW", buy: "USD", sellAmount: "1000000" } as const;
    const first = await desk.convert(request);
    expect(first).toMatchObject({ sellAmount: "1000000", buyAmount: "721.03", rate: "1386.90", reversesKey: null });
    // The same terms written differently are the same terms.
    const again = await desk.convert({ ...request, sellAmount: "1000000.00" });
    expect(again).toEqual(first);
    const after = await stats();
    expect(after.conversions - before.conversions).toBe(1);
    expect(after.duplicateRequests - before.duplicateRequests).toBe(1);
    const report = await desk.report(since);
    expect(report.filter((conversion) => conversion.clientKey === request.clientKey)).toEqual([first]);
  });

  it("refuse a key reused for other terms, changing nothing", async () => {
    const clientKey = newKey();
    const first = await desk.convert({ clientKey, sell: "USD", buy: "KRW", sellAmount: "100.55" });
    expect(first).toMatchObject({ buyAmount: "138065", rate: "1373.10" });
    for (const other of [
      { clientKey, sell: "USD", buy: "KRW", sellAmount: "100.56" },
      { clientKey, sell: "USD", buy: "KRW", buyAmount: "138065" },
      { clientKey, sell: "KRW", buy: "USD", sellAmount: "100.55" },
    ] as const) {
      const refusal = await rejectionOf(desk.convert(other));
      expect(refusal).toBeInstanceOf(FxDeskRefusal);
      expect(refusal).toMatchObject({ code: "KEY_CONFLICT" });
    }
    expect(await desk.lookup(clientKey)).toEqual(first);
  });

  it("hold a quote's rate until it expires, then refuse it; an unknown quote is refused", async () => {
    const quote = await desk.quote();
    await api(root, "POST", "/rate", { mid: "1400.00" }); // the market moves; the quote holds
    try {
      const onQuote = await desk.convert({
        clientKey: newKey(),
        quoteId: quote.quoteId,
        sell: "KRW",
        buy: "USD",
        buyAmount: "100",
      });
      expect(onQuote).toMatchObject({ rate: quote.ask, sellAmount: "138690", quoteId: quote.quoteId });
      await new Promise((resolve) => setTimeout(resolve, QUOTE_TTL_MS + 50));
      const expired = await rejectionOf(
        desk.convert({ clientKey: newKey(), quoteId: quote.quoteId, sell: "KRW", buy: "USD", buyAmount: "100" }),
      );
      expect(expired).toMatchObject({ code: "QUOTE_EXPIRED" });
      // The conversion made on the quote is still answered for its key, expiry or not.
      expect(
        await desk.convert({
          clientKey: onQuote.clientKey,
          quoteId: quote.quoteId,
          sell: "KRW",
          buy: "USD",
          buyAmount: "100",
        }),
      ).toEqual(onQuote);
    } finally {
      await api(root, "POST", "/rate", { mid: "1380.00" });
    }
    const unknown = await rejectionOf(
      desk.convert({ clientKey: newKey(), quoteId: "nope", sell: "KRW", buy: "USD", sellAmount: "5000" }),
    );
    expect(unknown).toMatchObject({ code: "QUOTE_UNKNOWN" });
  });

  it("refuse amounts the shared rounding refuses, as INVALID over the wire", async () => {
    for (const request of [
      { sell: "KRW", buy: "USD", sellAmount: "1000.5" },
      { sell: "USD", buy: "KRW", sellAmount: "1.001" },
      { sell: "KRW", buy: "USD", sellAmount: "13" },
      { sell: "KRW", buy: "USD", sellAmount: "10000000001" },
      { sell: "KRW", buy: "KRW", sellAmount: "1000" },
      { sell: "KRW", buy: "USD", sellAmount: "1000", buyAmount: "1" },
    ]) {
      const response = await api<{ error: string; message: string }>(root, "POST", "/conversions", {
        clientKey: newKey(),
        ...request,
      });
      expect(response.status, JSON.stringify(request)).toBe(400);
      expect(response.body.error).toBe("INVALID");
    }
  });

  it("a dropped response leaves the conversion made: the caller times out, lookup and the report find it", async () => {
    const since = new Date();
    const before = await stats();
    await setFaults({ dropResponseRate: 1 });
    const clientKey = newKey();
    const lost = await rejectionOf(desk.convert({ clientKey, sell: "KRW", buy: "USD", buyAmount: "50" }));
    expect(lost).toBeInstanceOf(BrokerUnavailableError);
    expect(lost).toMatchObject({ brokerId: "fxdesk", reason: "TIMEOUT" });
    await setFaults({ dropResponseRate: 0 });
    const found = await desk.lookup(clientKey);
    expect(found).toMatchObject({ clientKey, buyAmount: "50.00", sellAmount: "69345" });
    expect((await desk.report(since)).map((conversion) => conversion.clientKey)).toContain(clientKey);
    // Asking again with the same key answers the conversion made; nothing converts twice.
    expect(await desk.convert({ clientKey, sell: "KRW", buy: "USD", buyAmount: "50" })).toEqual(found);
    expect((await stats()).conversions - before.conversions).toBe(1);
    expect(await desk.lookup(newKey())).toBeNull();
  });
});

describe("reversals", () => {
  it("swap the sides at the original rate and amounts, once, idempotent by reversalKey", async () => {
    const clientKey = newKey();
    const reversalKey = newKey();
    const original = await desk.convert({ clientKey, sell: "KRW", buy: "USD", sellAmount: "1000000" });
    await api(root, "POST", "/rate", { mid: "1500.00" }); // a later rate does not matter to a reversal
    let reversal: FxConversion;
    try {
      reversal = await desk.reverse(clientKey, reversalKey);
    } finally {
      await api(root, "POST", "/rate", { mid: "1380.00" });
    }
    expect(reversal).toMatchObject({
      clientKey: reversalKey,
      sell: "USD",
      sellAmount: original.buyAmount,
      buy: "KRW",
      buyAmount: original.sellAmount,
      rate: original.rate,
      reversesKey: clientKey,
      reversedByKey: null,
    });
    expect(await desk.reverse(clientKey, reversalKey)).toEqual(reversal);
    expect(await desk.lookup(clientKey)).toMatchObject({ reversedByKey: reversalKey });

    for (const [key, byKey] of [
      [clientKey, newKey()], // reversed already
      [reversalKey, newKey()], // a reversal is not reversed
    ] as const) {
      expect(await rejectionOf(desk.reverse(key, byKey))).toMatchObject({ code: "NOT_REVERSIBLE" });
    }
    expect(await rejectionOf(desk.reverse(newKey(), newKey()))).toMatchObject({ code: "NOT_FOUND" });
    // A reversalKey that names another conversion is a conflict, not a repeat.
    const other = await desk.convert({ clientKey: newKey(), sell: "USD", buy: "KRW", sellAmount: "10" });
    expect(await rejectionOf(desk.reverse(other.clientKey, clientKey))).toMatchObject({ code: "KEY_CONFLICT" });
  });
});

describe("fault switches", () => {
  it("have a broker's shape: merged, validated all-or-nothing, reset", async () => {
    expect(await setFaults({ latencyMs: 5 })).toMatchObject({ latencyMs: 5, errorRate: 0, down: false });
    const refused = await api<{ error: string }>(root, "PUT", "/faults", { errorRate: 2, latencyMs: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain("errorRate");
    expect((await api<BrokerFaults>(root, "GET", "/faults")).body).toMatchObject({ latencyMs: 5 });
    await api(root, "POST", "/reset");
    expect((await api<BrokerFaults>(root, "GET", "/faults")).body).toMatchObject({ latencyMs: 0 });
  });

  it("down and errorRate answer 503 before converting; latency past the timeout is a TIMEOUT", async () => {
    const before = await stats();
    await setFaults({ down: true });
    expect(
      await rejectionOf(desk.convert({ clientKey: newKey(), sell: "USD", buy: "KRW", sellAmount: "10" })),
    ).toMatchObject({
      reason: "SERVER_ERROR",
    });
    await setFaults({ down: false, errorRate: 1 });
    expect(await rejectionOf(desk.quote())).toMatchObject({ reason: "SERVER_ERROR" });
    expect((await stats()).conversions - before.conversions).toBe(0);
    // Latency past our timeout: we stop waiting, the desk does not. A TIMEOUT is an unknown outcome, never a "no".
    await setFaults({ errorRate: 0, latencyMs: 1300 });
    const slowKey = newKey();
    const slow = await rejectionOf(desk.convert({ clientKey: slowKey, sell: "USD", buy: "KRW", sellAmount: "10" }));
    expect(slow).toMatchObject({ brokerId: "fxdesk", reason: "TIMEOUT" });
    await setFaults({ latencyMs: 0 });
    await expect.poll(() => desk.lookup(slowKey)).toMatchObject({ clientKey: slowKey, buyAmount: "13731" });
    // A broker's switches are its own: the desk's faults leave atlas alone.
    expect((await api<BrokerFaults>(server.url, "GET", "/brokers/atlas/faults")).body.latencyMs).toBe(0);
  });
});
