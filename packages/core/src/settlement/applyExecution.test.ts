// The ledger's side of an execution against a real database: every trade the broker made is booked, also for an order
// we had closed (a late fill), and a fill the account cannot cover becomes a visible debit of its own ledger kind,
// never a negative balance. Each case opens its own account so the figures stand on their own.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeFill } from "../../test/executions";
import { createHarness, type Harness } from "../../test/harness";
import { submitOrder } from "../gateway/submitOrder";
import { findLedgerViolations } from "../invariants/fullCheck";
import { accountSummary } from "../ledger/accountSummary";
import { cancelOrder } from "../orders/cancelOrder";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import type { AccountRef } from "../services";
import { dec } from "../shared/money";

describe("applyExecution: late fills and debits", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  /** A fresh customer account holding `cash` dollars and the given shares, each booked through a ledger entry. */
  async function openAccount(cash: string, holdings: Record<string, string> = {}): Promise<AccountRef> {
    const suffix = randomUUID().slice(0, 8);
    const user = await h.db.prisma.user.create({
      data: { email: `late-${suffix}@test.meridian`, name: "Late Fill", passwordHash: "x" },
    });
    const account = await h.db.prisma.account.create({ data: { accountNo: `T-${suffix}`, userId: user.id } });
    await h.db.prisma.cashBalance.create({ data: { accountId: account.id, currency: "USD", available: dec(cash) } });
    await h.db.prisma.ledgerEntry.create({
      data: { accountId: account.id, asset: "USD", amount: dec(cash), kind: "DEPOSIT" },
    });
    for (const [symbol, quantity] of Object.entries(holdings)) {
      await h.db.prisma.holding.create({
        data: { accountId: account.id, symbol, quantity: dec(quantity), costBasis: dec(quantity).times(50) },
      });
      await h.db.prisma.ledgerEntry.create({
        data: { accountId: account.id, asset: symbol, amount: dec(quantity), kind: "TRANSFER_IN" },
      });
    }
    return { id: account.id, accountNo: account.accountNo };
  }

  const place = (account: AccountRef, input: Record<string, unknown>) =>
    placeOrder({ ctx: { services: h.services, account, actor: "test" }, input: ZPlaceOrderInput.parse(input) });

  /** Placed and sent to the (scripted) broker through the gateway, which accepts it. */
  async function acceptedOrder(account: AccountRef, input: Record<string, unknown>) {
    const order = await place(account, input);
    await submitOrder({ services: h.services, retryPolicy: h.services.retryPolicy }, order.id);
    const accepted = await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(accepted.status).toBe("ACCEPTED");
    return accepted;
  }

  /** Placed, then cancelled here before the gateway sent it: closed, every hold released. */
  async function closedOrder(account: AccountRef, input: Record<string, unknown>) {
    const order = await place(account, input);
    const cancelled = await cancelOrder({
      ctx: { services: h.services, account, actor: "test" },
      input: { orderId: order.id },
    });
    expect([cancelled.status, cancelled.heldCash.toString(), cancelled.heldQuantity.toString()]).toEqual([
      "CANCELLED",
      "0",
      "0",
    ]);
    return cancelled;
  }

  /** The broker's execution, received and stored as the receiver does, then applied by the ledger. */
  const execute = (order: { id: string; symbol: string; side: "BUY" | "SELL" }, quantity: string, price: string) =>
    executeFill(h.services, order, quantity, price);

  const cashOf = async (account: AccountRef) => {
    const cash = await h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: account.id, currency: "USD" } });
    return { available: cash.available.toFixed(2), held: cash.held.toFixed(2), debit: cash.debit.toFixed(2) };
  };
  const holdingOf = async (account: AccountRef, symbol: string) => {
    const holding = await h.db.prisma.holding.findFirstOrThrow({ where: { accountId: account.id, symbol } });
    return {
      free: holding.quantity.toString(),
      held: holding.heldQuantity.toString(),
      debit: holding.debitQuantity.toString(),
    };
  };
  const entriesOf = async (account: AccountRef, orderId: string) =>
    (await h.db.prisma.ledgerEntry.findMany({ where: { accountId: account.id, orderId }, orderBy: { id: "asc" } })).map(
      (entry) => `${entry.asset} ${entry.kind} ${entry.amount.toFixed(2)}`,
    );

  it("books a BUY execution for a CANCELLED order: shares and cash move, LATE_FILL on the timeline, the order FILLED", async () => {
    const account = await openAccount("1000.00");
    const order = await closedOrder(account, {
      symbol: "AAPL",
      side: "BUY",
      type: "LIMIT",
      quantity: "2",
      limitPrice: "100.00",
    });

    expect(await execute(order, "2", "99.00")).toBe("late-fill");

    expect(await cashOf(account)).toEqual({ available: "801.80", held: "0.00", debit: "0.00" });
    expect(await holdingOf(account, "AAPL")).toEqual({ free: "2", held: "0", debit: "0" });
    const booked = await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    expect([booked.status, booked.filledQuantity.toString(), booked.heldCash.toString()]).toEqual(["FILLED", "2", "0"]);
    const late = await h.db.prisma.orderEvent.findMany({ where: { orderId: order.id, kind: "LATE_FILL" } });
    expect(late).toMatchObject([{ fromStatus: "CANCELLED", toStatus: "FILLED" }]);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("lists late fills of the last 7 days for operators (with the debit they left), and refuses customers", async () => {
    const account = await openAccount("50.00");
    const order = await closedOrder(account, {
      symbol: "TSLA",
      side: "BUY",
      type: "LIMIT",
      quantity: "1",
      limitPrice: "40.00",
    });
    await execute(order, "1", "60.00"); // 60.06 against 50.00: 10.06 owed

    const lateFills = await (await h.caller("ops@demo.meridian")).admin.lateFills();
    expect(lateFills[0]).toMatchObject({
      orderId: order.id,
      accountNo: account.accountNo,
      symbol: "TSLA",
      closedAs: "CANCELLED",
      status: "FILLED",
      quantity: "1",
      price: "60.00",
      debitCash: "10.06",
    });
    const customer = await (
      await h.caller("alice@demo.meridian")
    ).admin
      .lateFills()
      .catch((error: { code?: string }) => error);
    expect(customer).toMatchObject({ code: "FORBIDDEN" });
  });

  it("a late BUY fill larger than the available cash leaves available at 0 and a debit of exactly the shortfall, with its entries", async () => {
    const account = await openAccount("500.00");
    const order = await closedOrder(account, {
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "3",
      limitPrice: "150.00",
    });

    // 3 × 200 = 600 + 0.60 commission against 500 available: 100.60 short.
    expect(await execute(order, "3", "200.00")).toBe("late-fill");

    expect(await cashOf(account)).toEqual({ available: "0.00", held: "0.00", debit: "100.60" });
    expect(await holdingOf(account, "MSFT")).toEqual({ free: "3", held: "0", debit: "0" });
    expect(await entriesOf(account, order.id)).toEqual([
      "USD BUY -600.00",
      "USD COMMISSION -0.60",
      "MSFT BUY 3.00",
      "USD:DEBIT DEBIT 100.60",
    ]);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("the customer's summary shows what the account owes and what to do, and counts it against cash and equity", async () => {
    const account = await openAccount("500.00", { AAPL: "2" });
    const lateBuy = await closedOrder(account, {
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "3",
      limitPrice: "150.00",
    });
    await execute(lateBuy, "3", "200.00"); // 100.60 owed
    const lateSell = await closedOrder(account, {
      symbol: "AAPL",
      side: "SELL",
      type: "LIMIT",
      quantity: "2",
      limitPrice: "100.00",
    });
    await place(account, { symbol: "AAPL", side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "120.00" });
    await execute(lateSell, "2", "100.00"); // 1 AAPL free, 1 owed; 199.80 proceeds repay the 100.60 first

    const summary = await accountSummary(h.db.prisma, h.services.quotes, account);
    expect(summary.cash).toMatchObject({ available: "99.20", held: "0.00", debit: "0.00", total: "99.20" });
    expect(summary.debits).toEqual([{ asset: "AAPL", owed: "1", action: expect.stringContaining("Buy 1 AAPL") }]);
    expect(summary.positions.find((position) => position.symbol === "AAPL")).toMatchObject({
      quantity: "1",
      heldQuantity: "1",
      debitQuantity: "1",
    });

    const owing = await openAccount("10.00");
    await execute(
      await closedOrder(owing, { symbol: "META", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "5.00" }),
      "1",
      "20.00",
    );
    const owingSummary = await accountSummary(h.db.prisma, h.services.quotes, owing);
    expect(owingSummary.cash).toMatchObject({ available: "0.00", debit: "10.02", total: "-10.02" });
    expect(owingSummary.debits).toEqual([
      { asset: "USD", owed: "10.02", action: expect.stringContaining("Deposit $10.02 to settle it") },
    ]);
  });

  it("a later sell's proceeds repay the debit first", async () => {
    const account = await openAccount("500.00");
    const lateBuy = await closedOrder(account, {
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "3",
      limitPrice: "150.00",
    });
    await execute(lateBuy, "3", "200.00"); // debit 100.60, as above
    const sell = await acceptedOrder(account, {
      symbol: "MSFT",
      side: "SELL",
      type: "LIMIT",
      quantity: "1",
      limitPrice: "150.00",
    });

    // 150 − 0.15 commission = 149.85: 100.60 repays the debit, 49.25 becomes available.
    expect(await execute(sell, "1", "150.00")).toBe("applied");

    expect(await cashOf(account)).toEqual({ available: "49.25", held: "0.00", debit: "0.00" });
    expect(await entriesOf(account, sell.id)).toEqual([
      "MSFT SELL -1.00",
      "USD SELL 150.00",
      "USD COMMISSION -0.15",
      "USD:DEBIT DEBIT_REPAID -100.60",
    ]);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("a released hold repays the debit first", async () => {
    const account = await openAccount("1000.00");
    const lateBuy = await closedOrder(account, {
      symbol: "AAPL",
      side: "BUY",
      type: "LIMIT",
      quantity: "9",
      limitPrice: "100.00",
    });
    const open = await place(account, {
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "2",
      limitPrice: "100.00",
    }); // holds 200.21
    await execute(lateBuy, "9", "100.00"); // 900.90 against 799.79 available: 101.11 owed
    expect(await cashOf(account)).toEqual({ available: "0.00", held: "200.21", debit: "101.11" });

    await cancelOrder({ ctx: { services: h.services, account, actor: "test" }, input: { orderId: open.id } });

    expect(await cashOf(account)).toEqual({ available: "99.10", held: "0.00", debit: "0.00" });
    const repaid = await h.db.prisma.ledgerEntry.findMany({
      where: { accountId: account.id, asset: "USD:DEBIT" },
      orderBy: { id: "asc" },
    });
    expect(repaid.map((entry) => `${entry.kind} ${entry.amount.toFixed(2)}`)).toEqual([
      "DEBIT 101.11",
      "DEBIT_REPAID -101.11",
    ]);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("a late SELL fill for shares no longer free: the free shares go, the rest is a share debit, the proceeds are credited", async () => {
    const account = await openAccount("100.00", { AAPL: "5" });
    const lateSell = await closedOrder(account, {
      symbol: "AAPL",
      side: "SELL",
      type: "LIMIT",
      quantity: "5",
      limitPrice: "100.00",
    });
    // Three of the five shares are reserved again by a new sell: only two are free when the late fill arrives.
    await place(account, { symbol: "AAPL", side: "SELL", type: "LIMIT", quantity: "3", limitPrice: "120.00" });

    expect(await execute(lateSell, "5", "100.00")).toBe("late-fill");

    expect(await holdingOf(account, "AAPL")).toEqual({ free: "0", held: "3", debit: "3" });
    expect(await cashOf(account)).toEqual({ available: "599.50", held: "0.00", debit: "0.00" });
    expect(await entriesOf(account, lateSell.id)).toEqual([
      "AAPL SELL -5.00",
      "USD SELL 500.00",
      "USD COMMISSION -0.50",
      "AAPL:DEBIT DEBIT 3.00",
    ]);
    expect(await h.db.prisma.orderEvent.count({ where: { orderId: lateSell.id, kind: "LATE_FILL" } })).toBe(1);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("sends a market buy to the broker as a limit at the price it held cash for; our record stays MARKET", async () => {
    h.broker.prices.set("AMZN", "187.33");
    await h.services.quotes.refreshNow();
    const account = await openAccount("1000.00");
    const order = await acceptedOrder(account, { symbol: "AMZN", side: "BUY", type: "MARKET", quantity: "2" });

    // 187.33 × 1.05 = 196.6965, rounded up to the cent: the broker may not fill above 196.70.
    expect([order.type, order.protectionPrice?.toFixed(2), order.limitPrice]).toEqual(["MARKET", "196.70", null]);
    expect(h.broker.submitted.find((request) => request.clientOrderId === order.id)).toMatchObject({
      type: "LIMIT",
      limitPrice: "196.70",
      side: "BUY",
      quantity: "2",
    });
    // 2 × 196.70 = 393.40, commission 0.3934 + 2 × half a cent = 0.4034 → 0.41.
    expect(order.heldCash.toFixed(2)).toBe("393.81");
  });

  it("ten one-share fills are paid from the order's hold alone: its commission hold covers per-fill rounding", async () => {
    const account = await openAccount("1000.00");
    // 10 × 5.00 = 50.00; each one-share fill pays 0.005 → 0.01 commission, 0.10 in all.
    const order = await acceptedOrder(account, {
      symbol: "META",
      side: "BUY",
      type: "LIMIT",
      quantity: "10",
      limitPrice: "5.00",
    });
    const afterPlacing = await cashOf(account);
    for (let fill = 0; fill < 10; fill++) await execute(order, "1", "5.00");

    // The whole cost came out of the hold, none of it out of available cash, and nothing was left over to release.
    expect(await cashOf(account)).toEqual({ available: afterPlacing.available, held: "0.00", debit: "0.00" });
    expect(order.heldCash.toFixed(2)).toBe("50.10");
    const filled = await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    expect([filled.status, filled.feesPaid.toFixed(2)]).toEqual(["FILLED", "0.10"]);
    expect(
      await h.db.prisma.orderEvent.findFirstOrThrow({ where: { orderId: order.id, kind: "FILLED" } }),
    ).toMatchObject({ detail: { releasedCash: "0.00" } });
  });

  it("a buy fill above its market order's hold makes a debit, never a negative available", async () => {
    h.broker.prices.set("NVDA", "100.00");
    await h.services.quotes.refreshNow();
    // Exactly the hold: 1 × 105.00 (ask + 5 % collar) + 0.11 commission (0.105 and half a cent of rounding allowance,
    // rounded up).
    const account = await openAccount("105.11");
    const order = await acceptedOrder(account, { symbol: "NVDA", side: "BUY", type: "MARKET", quantity: "1" });
    expect(await cashOf(account)).toEqual({ available: "0.00", held: "105.11", debit: "0.00" });

    // A broker that ignores the collar fills at 110.00: 110.11 against a 105.11 hold.
    expect(await execute(order, "1", "110.00")).toBe("applied");

    expect(await cashOf(account)).toEqual({ available: "0.00", held: "0.00", debit: "5.00" });
    expect(await entriesOf(account, order.id)).toEqual([
      "USD BUY -110.00",
      "USD COMMISSION -0.11",
      "NVDA BUY 1.00",
      "USD:DEBIT DEBIT 5.00",
    ]);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });
});
