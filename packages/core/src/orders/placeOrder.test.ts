import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountSnapshot, createHarness, type Harness } from "../../test/harness";
import { findLedgerViolations } from "../invariants";
import type { AccountRef } from "../services";
import { DomainError } from "../shared/errors";
import { placeOrder } from "./placeOrder";
import { ZPlaceOrderInput } from "./placeOrder.schema";

describe("placeOrder", () => {
  let h: Harness;
  let alice: AccountRef;
  const place = (input: Record<string, unknown>) =>
    placeOrder({ ctx: { services: h.services, account: alice, actor: "test" }, input: ZPlaceOrderInput.parse(input) });

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
  });
  afterAll(async () => h?.close());

  it("stores a limit buy as PENDING_NEW with cash held (limit × qty + commission), an event and an outbox row", async () => {
    const order = await place({ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "10", limitPrice: "150.00" });
    expect(order.status).toBe("PENDING_NEW");
    // 1500.00 + commission 1.50 and half a cent per share for per-fill rounding (shared/fees.ts commissionHoldFor).
    expect(order.heldCash.toFixed(2)).toBe("1501.55");
    const cash = await h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: alice.id, currency: "USD" } });
    expect(cash.available.toFixed(2)).toBe("23498.45");
    expect(cash.held.toFixed(2)).toBe("1501.55");
    // On its broker's own command topic, none of another broker's.
    expect(await h.db.prisma.outboxEvent.findMany({ where: { key: order.id }, select: { topic: true } })).toEqual([
      { topic: "orders.commands.atlas" },
    ]);
    expect(await h.db.prisma.orderEvent.count({ where: { orderId: order.id, kind: "PLACED" } })).toBe(1);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("names who placed it and why in the change history (old → new), opens the TCC record with its barrier row", async () => {
    const since = (await h.db.prisma.entityHistory.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const cashBefore = await h.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: alice.id, currency: "USD" },
    });
    const order = await place({ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "50.00" });

    const history = await h.db.prisma.entityHistory.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
    expect(history.map((row) => [row.entity, row.entityKey, row.operation, row.actor, row.cause])).toEqual([
      ["orders", order.id, "INSERT", "test", "place BUY 2 AAPL"],
      ["cash_balances", `${alice.id}/USD`, "UPDATE", "test", "place BUY 2 AAPL"],
    ]);
    const [, cash] = history as [unknown, { oldValues: Record<string, unknown>; newValues: Record<string, unknown> }];
    expect([cash.oldValues.available, cash.newValues.available]).toEqual([
      Number(cashBefore.available),
      Number(cashBefore.available.minus(order.heldCash)),
    ]);
    expect([cash.oldValues.held, cash.newValues.held]).toEqual([
      Number(cashBefore.held),
      Number(cashBefore.held.plus(order.heldCash)),
    ]);

    const tcc = await h.db.prisma.tccTransaction.findUniqueOrThrow({
      where: { orderId: order.id },
      include: { fences: true },
    });
    expect(tcc.status).toBe("TRYING");
    expect(tcc.fences.map((fence) => [fence.participant, fence.state, fence.amount.toString()])).toEqual([
      ["CASH", "TRIED", order.heldCash.toString()],
    ]);
    const placed = await h.db.prisma.orderEvent.findFirstOrThrow({ where: { orderId: order.id, kind: "PLACED" } });
    expect(placed).toMatchObject({ actor: "test", toStatus: "PENDING_NEW", fromStatus: null });
    expect(placed.detail).toMatchObject({ heldCash: order.heldCash.toFixed(2), tccTransactionId: tcc.id });
  });

  it("holds a market buy at the ask plus the collar", async () => {
    h.broker.prices.set("MSFT", "200.00");
    await h.services.quotes.refreshNow();
    const order = await place({ symbol: "MSFT", side: "BUY", type: "MARKET", quantity: 2 });
    // 2 × 200 × 1.05 = 420, commission 0.42 + 2 × half a cent = 0.43; the broker gets 210.00 as the limit.
    expect(order.heldCash.toFixed(2)).toBe("420.43");
    expect(order.protectionPrice?.toFixed(2)).toBe("210.00");
  });

  it("holds shares for a sell", async () => {
    const order = await place({ symbol: "AAPL", side: "SELL", type: "MARKET", quantity: "4" });
    expect(order.heldQuantity.toString()).toBe("4");
    const holding = await h.db.prisma.holding.findFirstOrThrow({ where: { accountId: alice.id, symbol: "AAPL" } });
    expect([holding.quantity.toString(), holding.heldQuantity.toString()]).toEqual(["6", "4"]);
  });

  it("returns the same order for the same idempotency key", async () => {
    const idempotencyKey = crypto.randomUUID();
    const first = await place({
      symbol: "META",
      side: "BUY",
      type: "LIMIT",
      quantity: "1",
      limitPrice: "10",
      idempotencyKey,
    });
    const second = await place({
      symbol: "META",
      side: "BUY",
      type: "LIMIT",
      quantity: "1",
      limitPrice: "10",
      idempotencyKey,
    });
    expect(second.id).toBe(first.id);
    expect(await h.db.prisma.order.count({ where: { idempotencyKey } })).toBe(1);
  });

  it.each([
    [{ symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "0" }, "at least 1"],
    [{ symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "-3" }, "whole number"],
    [{ symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "1.5" }, "whole number"],
    [{ symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "5000000" }, "cannot exceed"],
    [{ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1" }, "needs a limit price"],
    [{ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "-5" }, "positive number"],
    [{ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.123" }, "at most 2 decimals"],
    [{ symbol: "aa pl", side: "BUY", type: "MARKET", quantity: "1" }, "ticker symbol"],
  ])("refuses malformed input %j at validation", (input, message) => {
    const parsed = ZPlaceOrderInput.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join(" ")).toContain(message);
  });

  it.each([
    [{ symbol: "ZZZZ", side: "BUY", type: "MARKET", quantity: "1" }, "not a symbol we trade"],
    [{ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1000", limitPrice: "500" }, "Not enough buying power"],
    [{ symbol: "TSLA", side: "SELL", type: "MARKET", quantity: "1" }, "sell at most 0"],
    [{ symbol: "AAPL", side: "SELL", type: "MARKET", quantity: "7" }, "sell at most 6"],
  ])("refuses %j with a clear error and changes nothing", async (input, message) => {
    const before = await accountSnapshot(h.services, alice.id);
    const error = await place(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toContain(message);
    expect(await accountSnapshot(h.services, alice.id)).toBe(before);
  });

  it("never overspends when many orders race on one account", async () => {
    const chloe = await h.account("chloe@demo.meridian"); // $50,000
    const attempts = Array.from({ length: 24 }, () =>
      placeOrder({
        ctx: { services: h.services, account: chloe, actor: "test" },
        input: ZPlaceOrderInput.parse({
          symbol: "GOOGL",
          side: "BUY",
          type: "LIMIT",
          quantity: "40",
          limitPrice: "124.87",
        }),
      }).then(
        () => "placed",
        (error: Error) => error.message,
      ),
    );
    const outcomes = await Promise.all(attempts);
    // Each order holds 40 × 124.87 + 5.20 commission (4.9948 + 40 × half a cent, rounded up) = 5000.00, so exactly 10
    // fit in $50,000.
    expect(outcomes.filter((outcome) => outcome === "placed")).toHaveLength(10);
    expect(
      outcomes
        .filter((outcome) => outcome !== "placed")
        .filter((message) => !message.includes("Not enough buying power")),
    ).toEqual([]);
    const cash = await h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: chloe.id, currency: "USD" } });
    expect([cash.available.toFixed(2), cash.held.toFixed(2)]).toEqual(["0.00", "50000.00"]);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });
});
