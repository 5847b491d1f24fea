// One order end to end across processes: placeOrder → outbox → gateway → broker simulator (HTTP) → signed execution
// webhooks → receiver → outbox → ledger → FILLED, with cash, holdings and ledger entries exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLedgerViolations, type AccountRef } from "@meridian/core";
import { signWebhook } from "@meridian/core/broker";
import { startSystem, waitUntil, type TestSystem } from "./system";

describe("order pipeline against the broker simulator", () => {
  let system: TestSystem;
  let alice: AccountRef;
  const orderStatus = async (id: string) => (await system.db.prisma.order.findUniqueOrThrow({ where: { id } })).status;
  const settled = (id: string, status = "FILLED") =>
    waitUntil(async () => (await orderStatus(id)) === status, 20_000, `order ${id} → ${status}`);

  beforeAll(async () => {
    system = await startSystem();
    alice = await system.account("alice@demo.meridian");
  });
  afterAll(async () => system?.close());

  it("fills a market buy: cash falls by exactly Σ(qty × price) + commission, the position grows, holds are released", async () => {
    const before = await system.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: alice.id, currency: "USD" },
    });
    const order = await system.place(alice, { symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "3" });
    await settled(order.id);
    const filled = await system.db.prisma.order.findUniqueOrThrow({
      where: { id: order.id },
      include: { executions: true, events: true },
    });
    const notional =
      filled.executions.reduce(
        (sum, execution) => sum + Number(execution.quantity) * Number(execution.price) * 100,
        0,
      ) / 100;
    expect(filled.executions.reduce((sum, execution) => sum + Number(execution.quantity), 0)).toBe(3);
    expect(filled.filledNotional.toNumber()).toBeCloseTo(notional, 6);
    expect(filled.heldCash.toString()).toBe("0");
    const after = await system.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: alice.id, currency: "USD" },
    });
    expect(before.available.minus(after.available).toFixed(2)).toBe(
      filled.filledNotional.plus(filled.feesPaid).toFixed(2),
    );
    expect(after.held.toFixed(2)).toBe("0.00");
    const holding = await system.db.prisma.holding.findFirstOrThrow({ where: { accountId: alice.id, symbol: "AAPL" } });
    expect(holding.quantity.toString()).toBe("13");
    expect(filled.events.map((event) => event.kind)).toEqual(
      expect.arrayContaining(["PLACED", "SUBMIT_ATTEMPT", "ACCEPTED", "FILL", "FILLED"]),
    );
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });

  it("fills a market sell and credits the proceeds minus commission", async () => {
    const order = await system.place(alice, { symbol: "AAPL", side: "SELL", type: "MARKET", quantity: "1" });
    await settled(order.id);
    const holding = await system.db.prisma.holding.findFirstOrThrow({ where: { accountId: alice.id, symbol: "AAPL" } });
    expect([holding.quantity.toString(), holding.heldQuantity.toString()]).toEqual(["12", "0"]);
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });

  it("routes TSLA to harbor and fills it there", async () => {
    const bob = await system.account("bob@demo.meridian");
    const order = await system.place(bob, { symbol: "TSLA", side: "SELL", type: "MARKET", quantity: "2" });
    expect(order.brokerId).toBe("harbor");
    await settled(order.id);
  });

  it("cancels a resting limit order at the broker and releases its hold", async () => {
    await system.broker("atlas", "/quotes/MSFT", { method: "POST", body: JSON.stringify({ last: "400.00" }) });
    const order = await system.place(alice, {
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "2",
      limitPrice: "300.00",
    });
    await settled(order.id, "ACCEPTED");
    const { cancelOrder } = await import("@meridian/core");
    const pending = await cancelOrder({
      ctx: { services: system.services, account: alice, actor: "test" },
      input: { orderId: order.id },
    });
    expect(pending.status).toBe("PENDING_CANCEL");
    await settled(order.id, "CANCELLED");
    const cash = await system.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: alice.id, currency: "USD" },
    });
    expect(cash.held.toFixed(2)).toBe("0.00");
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });

  it("releases the hold of an order the broker rejects", async () => {
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ rejectRate: 1 }) });
    try {
      const order = await system.place(alice, { symbol: "AMZN", side: "BUY", type: "MARKET", quantity: "1" });
      await settled(order.id, "REJECTED");
      const rejected = await system.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
      expect(rejected.heldCash.toString()).toBe("0");
      expect(rejected.statusReason).toBeTruthy();
    } finally {
      await system.broker("atlas", "/reset", { method: "POST" });
    }
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });

  it("refuses unsigned, wrongly signed and malformed execution webhooks, storing nothing", async () => {
    const order = await system.db.prisma.order.findFirstOrThrow({ where: { accountId: alice.id, status: "FILLED" } });
    const receipts = await system.db.prisma.executionReceipt.count();
    const body = JSON.stringify({
      execId: "forged-1",
      clientOrderId: order.id,
      brokerOrderId: "X",
      symbol: order.symbol,
      side: order.side,
      quantity: "1",
      price: "1.00",
      executedAt: new Date().toISOString(),
    });
    const post = (payload: string, headers: Record<string, string>) =>
      fetch(`${system.receiverUrl}/brokers/atlas/executions`, {
        method: "POST",
        body: payload,
        headers: { "content-type": "application/json", ...headers },
      });
    const now = String(Date.now());
    expect((await post(body, {})).status).toBe(401);
    expect(
      (
        await post(body, {
          "x-meridian-timestamp": now,
          "x-meridian-signature": signWebhook("wrong-secret", now, body),
        })
      ).status,
    ).toBe(401);
    const secret = system.env.BROKER_WEBHOOK_SECRET_ATLAS!;
    const malformed = JSON.stringify({ execId: "bad-1", clientOrderId: order.id, quantity: "-1" });
    const refused = await post(malformed, {
      "x-meridian-timestamp": now,
      "x-meridian-signature": signWebhook(secret, now, malformed),
    });
    expect(refused.status).toBe(400);
    const unknownOrder = JSON.stringify({ ...JSON.parse(body), clientOrderId: crypto.randomUUID() });
    expect(
      (
        await post(unknownOrder, {
          "x-meridian-timestamp": now,
          "x-meridian-signature": signWebhook(secret, now, unknownOrder),
        })
      ).status,
    ).toBe(404);
    expect(await system.db.prisma.executionReceipt.count()).toBe(receipts);
  });

  it("stores a duplicated execution once and applies it once", async () => {
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ duplicateExecutionRate: 1 }) });
    try {
      const order = await system.place(alice, { symbol: "META", side: "BUY", type: "MARKET", quantity: "2" });
      await settled(order.id);
      const stats = (await (await system.broker("atlas", "/stats")).json()) as { executionsSent: number };
      expect(stats.executionsSent).toBeGreaterThan(0);
      const filled = await system.db.prisma.order.findUniqueOrThrow({
        where: { id: order.id },
        include: { executions: true },
      });
      expect(filled.filledQuantity.toString()).toBe("2");
      expect(new Set(filled.executions.map((execution) => execution.execId)).size).toBe(filled.executions.length);
    } finally {
      await system.broker("atlas", "/reset", { method: "POST" });
    }
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });
});
