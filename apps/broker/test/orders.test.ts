import { BrokerProtocolError, HttpBrokerAdapter, type BrokerOrderView, type Quote } from "@meridian/core/broker";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { BrokerStats } from "../src/index";
import {
  adapterFor,
  api,
  executionsOf,
  marketOrder,
  newClientOrderId,
  startHarness,
  sumQuantities,
  waitFor,
  type Harness,
} from "./support";

let harness: Harness;
let atlas: HttpBrokerAdapter;
let harbor: HttpBrokerAdapter;

beforeAll(async () => {
  harness = await startHarness();
  atlas = adapterFor(harness, "atlas");
  harbor = adapterFor(harness, "harbor");
});
afterAll(() => harness.close());
afterEach(() => vi.restoreAllMocks());

const stats = async (brokerId: string) =>
  (await api<BrokerStats>(harness.broker.url, "GET", `/brokers/${brokerId}/stats`)).body;

async function deliveredInFull(clientOrderId: string, quantity: number) {
  return waitFor(() => {
    const executions = executionsOf(harness.receiver, clientOrderId);
    return sumQuantities(executions) >= quantity && executions;
  }, `executions of ${clientOrderId} adding up to ${quantity}`);
}

describe("the wire API", () => {
  it("answers health, 404s an unknown broker, and serves quotes for the US tickers", async () => {
    expect(await api(harness.broker.url, "GET", "/health")).toEqual({ status: 200, body: { ok: true } });
    const unknown = await api<{ error: string }>(harness.broker.url, "GET", "/brokers/nowhere/quotes");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown broker/);

    const quotes: Quote[] = await atlas.getQuotes();
    const symbols = quotes.map((quote) => quote.symbol);
    expect(symbols).toEqual(expect.arrayContaining(["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL", "META"]));
    for (const quote of quotes) {
      expect(quote.bid).toMatch(/^\d+\.\d{2}$/);
      expect(quote.ask).toMatch(/^\d+\.\d{2}$/);
      expect(Number(quote.bid)).toBeLessThan(Number(quote.ask));
      expect(quote.name.length).toBeGreaterThan(0);
    }
  });
});

describe("submit", () => {
  it("is idempotent by clientOrderId: one broker order, the same brokerOrderId", async () => {
    const before = await stats("atlas");
    const request = marketOrder({ quantity: "5" });
    const first = await atlas.submitOrder(request);
    const second = await atlas.submitOrder(request);
    expect(first.outcome).toBe("ACCEPTED");
    // The repeat names the same broker order and says where it stands now.
    expect(second).toMatchObject({ ...first, status: expect.stringMatching(/^(NEW|PARTIALLY_FILLED|FILLED)$/) });
    const after = await stats("atlas");
    expect(after.ordersCreated - before.ordersCreated).toBe(1);
    expect(after.duplicateSubmits - before.duplicateSubmits).toBe(1);
    const report = await atlas.listOrdersSince(new Date(Date.now() - 60_000));
    expect(report.filter((order) => order.clientOrderId === request.clientOrderId)).toHaveLength(1);
  });

  it("fills a market order: executions sum exactly to the quantity, unique execIds, valid signatures", async () => {
    const request = marketOrder({ quantity: "137", side: "BUY", symbol: "AMZN" });
    const result = await atlas.submitOrder(request);
    expect(result.outcome).toBe("ACCEPTED");
    const executions = await deliveredInFull(request.clientOrderId, 137);
    expect(sumQuantities(executions)).toBe(137);
    expect(new Set(executions.map((execution) => execution.execId)).size).toBe(executions.length);
    expect(executions.length).toBeGreaterThanOrEqual(1);
    expect(executions.length).toBeLessThanOrEqual(3);
    for (const execution of executions) {
      expect(execution.quantity).toMatch(/^[1-9]\d*$/);
      expect(execution.price).toMatch(/^\d+\.\d{2}$/);
      expect(execution.brokerOrderId).toBe(result.outcome === "ACCEPTED" ? result.brokerOrderId : "");
    }
    const webhooks = harness.receiver.received.filter(
      (webhook) => webhook.execution.clientOrderId === request.clientOrderId,
    );
    expect(webhooks.every((webhook) => webhook.signatureOk && webhook.brokerId === "atlas")).toBe(true);

    const view = await atlas.lookupOrder(request.clientOrderId);
    expect(view).toMatchObject({ status: "FILLED", filledQuantity: "137", quantity: "137" });
  });

  it("business-rejects bad orders with 200 and a reason", async () => {
    const cases = [
      marketOrder({ symbol: "ZZZZ" }),
      marketOrder({ quantity: "0" }),
      marketOrder({ quantity: "1.5" }),
      marketOrder({ quantity: "1000001" }),
      marketOrder({ type: "LIMIT" }),
      marketOrder({ type: "LIMIT", limitPrice: "0" }),
      marketOrder({ type: "LIMIT", limitPrice: "-3" }),
    ];
    for (const request of cases) {
      const result = await harbor.submitOrder(request);
      expect(result, JSON.stringify(request)).toMatchObject({ outcome: "REJECTED", reason: expect.any(String) });
    }
    // A repeat of a rejected order answers the same rejection.
    expect(await harbor.submitOrder(cases[0]!)).toEqual(await harbor.submitOrder(cases[0]!));
  });

  it("answers 400 to a malformed body, which the adapter reports as a protocol error", async () => {
    const raw = await api<{ error: string }>(harness.broker.url, "POST", "/brokers/atlas/orders", {
      ...marketOrder(),
      quantity: 10,
    });
    expect(raw.status).toBe(400);
    expect(raw.body.error).toMatch(/quantity/);
    const malformed = { ...marketOrder(), side: "SIDEWAYS" } as unknown as Parameters<
      HttpBrokerAdapter["submitOrder"]
    >[0];
    await expect(atlas.submitOrder(malformed)).rejects.toBeInstanceOf(BrokerProtocolError);
  });
});

describe("limit orders", () => {
  afterEach(async () => {
    for (const symbol of ["MSFT", "META"]) await api(harness.broker.url, "DELETE", `/brokers/atlas/quotes/${symbol}`);
  });

  it("fill only once the price is pinned across the limit, at a price no worse than the limit", async () => {
    const buy = marketOrder({ symbol: "MSFT", type: "LIMIT", limitPrice: "1.00", quantity: "40" });
    const sell = marketOrder({ symbol: "META", side: "SELL", type: "LIMIT", limitPrice: "99999.00", quantity: "25" });
    expect((await atlas.submitOrder(buy)).outcome).toBe("ACCEPTED");
    expect((await atlas.submitOrder(sell)).outcome).toBe("ACCEPTED");
    // A market order on the same broker going through proves ticks and fills are running meanwhile.
    const probe = marketOrder({ symbol: "MSFT", quantity: "3" });
    await atlas.submitOrder(probe);
    await deliveredInFull(probe.clientOrderId, 3);
    expect(executionsOf(harness.receiver, buy.clientOrderId)).toEqual([]);
    expect(executionsOf(harness.receiver, sell.clientOrderId)).toEqual([]);
    expect(await atlas.lookupOrder(buy.clientOrderId)).toMatchObject({
      status: "NEW",
      filledQuantity: "0",
      limitPrice: "1.00",
    });

    const pinned = await api<Quote>(harness.broker.url, "POST", "/brokers/atlas/quotes/MSFT", { last: "0.95" });
    expect(pinned.status).toBe(200);
    expect(Number(pinned.body.ask)).toBeLessThanOrEqual(1);
    await api(harness.broker.url, "POST", "/brokers/atlas/quotes/META", { last: "100010.00" });

    const buyFills = await deliveredInFull(buy.clientOrderId, 40);
    const sellFills = await deliveredInFull(sell.clientOrderId, 25);
    expect(sumQuantities(buyFills)).toBe(40);
    expect(sumQuantities(sellFills)).toBe(25);
    expect(buyFills.every((execution) => Number(execution.price) <= 1)).toBe(true);
    expect(sellFills.every((execution) => Number(execution.price) >= 99999)).toBe(true);
  });
});

describe("cancel", () => {
  afterEach(async () => {
    await api(harness.broker.url, "DELETE", "/brokers/atlas/quotes/GOOGL");
  });

  it("before any fill: CANCELLED with filledQuantity 0, and no execution afterwards", async () => {
    const order = marketOrder({ symbol: "GOOGL", type: "LIMIT", limitPrice: "1.00", quantity: "60" });
    const accepted = await atlas.submitOrder(order);
    const cancelled = await atlas.cancelOrder(order.clientOrderId);
    expect(cancelled).toEqual({
      outcome: "CANCELLED",
      brokerOrderId: accepted.outcome === "ACCEPTED" ? accepted.brokerOrderId : "",
      filledQuantity: "0",
    });

    // Cross the price, and wait for a twin order at the same limit to fill: the cancelled one saw the same ticks.
    await api(harness.broker.url, "POST", "/brokers/atlas/quotes/GOOGL", { last: "0.90" });
    const twin = marketOrder({ symbol: "GOOGL", type: "LIMIT", limitPrice: "1.00", quantity: "60" });
    await atlas.submitOrder(twin);
    await deliveredInFull(twin.clientOrderId, 60);

    expect(executionsOf(harness.receiver, order.clientOrderId)).toEqual([]);
    expect(await atlas.lookupOrder(order.clientOrderId)).toMatchObject({
      status: "CANCELLED",
      filledQuantity: "0",
      executions: [],
    });
    // A second cancel, and a repeated submit, say the order is CANCELLED: neither reads as a working order.
    expect(await atlas.cancelOrder(order.clientOrderId)).toMatchObject({
      outcome: "TOO_LATE",
      filledQuantity: "0",
      status: "CANCELLED",
    });
    expect(await atlas.submitOrder(order)).toMatchObject({
      outcome: "ACCEPTED",
      status: "CANCELLED",
      filledQuantity: "0",
    });
  });

  it("after the fill: TOO_LATE with the filled quantity", async () => {
    const order = marketOrder({ quantity: "12", symbol: "NVDA" });
    await harbor.submitOrder(order);
    await deliveredInFull(order.clientOrderId, 12);
    expect(await harbor.cancelOrder(order.clientOrderId)).toMatchObject({
      outcome: "TOO_LATE",
      filledQuantity: "12",
      status: "FILLED",
    });
  });

  it("mid-way: the answered filledQuantity is final — delivered executions add up to it", async () => {
    const order = marketOrder({ quantity: "500", symbol: "TSLA" });
    await atlas.submitOrder(order);
    await waitFor(
      async () => (await atlas.lookupOrder(order.clientOrderId))?.status !== "NEW",
      "a first fill",
      10_000,
    ).catch(() => undefined);
    const cancel = await atlas.cancelOrder(order.clientOrderId);
    const filled = cancel.outcome === "NOT_FOUND" ? -1 : Number(cancel.filledQuantity);
    const view = (await atlas.lookupOrder(order.clientOrderId)) as BrokerOrderView;
    await waitFor(
      () => executionsOf(harness.receiver, order.clientOrderId).length >= view.executions.length,
      "deliveries",
    );
    expect(sumQuantities(executionsOf(harness.receiver, order.clientOrderId))).toBe(filled);
    expect(Number(view.filledQuantity)).toBe(filled);
  });

  it("of an unknown order: NOT_FOUND", async () => {
    expect(await harbor.cancelOrder(newClientOrderId())).toEqual({ outcome: "NOT_FOUND" });
  });
});

describe("lookup by clientOrderId", () => {
  it("atlas finds an order or answers null; harbor answers 501 and the adapter refuses without calling", async () => {
    expect(await atlas.lookupOrder(newClientOrderId())).toBeNull();

    const order = marketOrder({ quantity: "2" });
    await harbor.submitOrder(order);
    const raw = await api<{ error: string }>(
      harness.broker.url,
      "GET",
      `/brokers/harbor/orders/${order.clientOrderId}`,
    );
    expect(raw.status).toBe(501);
    expect(raw.body.error).toMatch(/does not support/);

    const fetchSpy = vi.spyOn(globalThis, "fetch");
    await expect(harbor.lookupOrder(order.clientOrderId)).rejects.toThrow(/cannot look an order up/);
    expect(fetchSpy).not.toHaveBeenCalled();

    // Harbor still gives the daily report.
    const report = await harbor.listOrdersSince(new Date(Date.now() - 60_000));
    expect(report.map((view) => view.clientOrderId)).toContain(order.clientOrderId);
  });
});
