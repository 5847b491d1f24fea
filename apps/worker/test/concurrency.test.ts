// 32 concurrent clients place and cancel 500 random orders across 5 accounts (one of them hot) while the broker
// simulator fills them and executions arrive concurrently. After quiescence every balance is exact when recomputed
// from the broker's executions alone, nothing is negative, nothing is held without an open order, and every TCC
// transaction is settled. Runs on the Redis lock when REDIS_URL is set (CI), else on the database lease lock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cancelOrder,
  commissionOn,
  dec,
  findLedgerViolations,
  isTerminal,
  type AccountRef,
  type Decimal,
} from "@meridian/core";
import { createFundedAccount } from "./accounts";
import { startSystem, waitUntil, type TestSystem } from "./system";

const CLIENTS = 32;
const ORDERS = 500;
const SYMBOLS = ["AAPL", "MSFT", "AMZN", "TSLA"] as const;

interface Initial {
  cash: Decimal;
  points: Decimal;
  holdings: Map<string, Decimal>;
}

describe("concurrent trading keeps the books exact", () => {
  let system: TestSystem;
  let accounts: AccountRef[];
  const initial = new Map<string, Initial>();

  beforeAll(async () => {
    system = await startSystem();
    const holdings = { AAPL: "200", MSFT: "200", AMZN: "200", TSLA: "200" };
    accounts = [];
    for (let i = 1; i <= 5; i++)
      accounts.push(
        await createFundedAccount(
          system.db.prisma,
          `L-${i}`,
          { cash: "200000.00", points: "100000", holdings },
          system.services.points,
        ),
      );
    for (const account of accounts) {
      initial.set(account.id, {
        cash: dec("200000.00"),
        points: dec("100000"),
        holdings: new Map(Object.entries(holdings).map(([symbol, quantity]) => [symbol, dec(quantity)])),
      });
    }
  });
  afterAll(async () => system?.close());

  it(`${CLIENTS} clients × ${ORDERS} orders: cash, shares and points reconcile to the cent`, async () => {
    const hot = accounts[0]!;
    const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;
    const placed: { id: string; account: AccountRef }[] = [];
    const refusals = new Map<string, number>();
    let next = 0;
    const client = async () => {
      while (next < ORDERS) {
        next++;
        const account = Math.random() < 0.5 ? hot : pick(accounts);
        if (placed.length > 5 && Math.random() < 0.25) {
          const target = pick(placed.filter((order) => order.account.id === account.id).slice(-20));
          if (target)
            await cancelOrder({
              ctx: { services: system.services, account, actor: "load" },
              input: { orderId: target.id },
            }).catch((error: Error) => count(refusals, error.name));
          continue;
        }
        const symbol = pick(SYMBOLS);
        const quote = await system.services.quotes.forSymbol(symbol);
        const last = dec(quote!.last);
        const limit = Math.random() < 0.5;
        // Limits straddle the market so that some rest, some fill at once and some fill on a later tick.
        const limitPrice = last.times(dec(1).plus(dec(Math.random() * 0.004 - 0.002))).toDecimalPlaces(2);
        const input = {
          symbol,
          side: Math.random() < 0.55 ? "BUY" : "SELL",
          type: limit ? "LIMIT" : "MARKET",
          quantity: String(1 + Math.floor(Math.random() * 5)),
          ...(limit ? { limitPrice: limitPrice.toFixed(2) } : {}),
          payFeeWithPoints: Math.random() < 0.3,
        };
        await system.place(account, input).then(
          (order) => placed.push({ id: order.id, account }),
          (error: Error) => count(refusals, error.message.slice(0, 40)),
        );
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    expect(placed.length).toBeGreaterThan(ORDERS * 0.5);

    // Quiescence: cancel what still rests at the broker, then wait until every order is closed.
    await waitUntil(
      async () =>
        (await openOrders()).every(
          (order) => order.status === "ACCEPTED" || order.status === "PARTIALLY_FILLED" || isTerminal(order.status),
        ),
      120_000,
      "orders settle at the broker",
    );
    for (const order of await openOrders()) {
      if (isTerminal(order.status)) continue;
      const account = accounts.find((candidate) => candidate.id === order.accountId)!;
      await cancelOrder({
        ctx: { services: system.services, account, actor: "load" },
        input: { orderId: order.id },
      }).catch(() => undefined);
    }
    await waitUntil(
      async () => (await openOrders()).every((order) => isTerminal(order.status)),
      120_000,
      "every order closed",
    );
    await waitUntil(
      async () => (await system.db.prisma.outboxEvent.count({ where: { consumedAt: null } })) === 0,
      60_000,
      "outbox drained",
    );
    // Each closed order's Confirm or Cancel of its fee points reaches the points service (the recovery role sends it).
    await waitUntil(
      async () =>
        (await system.db.prisma.tccBranch.count({ where: { state: { in: ["CONFIRMING", "CANCELLING"] } } })) === 0,
      60_000,
      "fee points branches acknowledged",
    );
    expect(await system.db.prisma.tccBranch.count({ where: { state: "REFUSED" } })).toBe(0);

    const byStatus = await system.db.prisma.order.groupBy({ by: ["status"], _count: { _all: true } });
    const executions = await system.db.prisma.executionReceipt.count();
    console.info(
      `placed ${placed.length}, refused ${JSON.stringify(Object.fromEntries(refusals))}, executions ${executions}, final ${JSON.stringify(Object.fromEntries(byStatus.map((row) => [row.status, row._count._all])))}`,
    );
    expect(executions).toBeGreaterThan(100);
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
    for (const account of accounts) await expectBooksMatchExecutions(account);
    expect(await system.db.prisma.tccTransaction.count({ where: { status: "TRYING" } })).toBe(0);
  });

  async function openOrders() {
    return system.db.prisma.order.findMany({
      where: { accountId: { in: accounts.map((account) => account.id) } },
      select: { id: true, status: true, accountId: true },
    });
  }

  /** Recomputes cash, shares and points from nothing but the initial funding and the broker's executions. */
  async function expectBooksMatchExecutions(account: AccountRef) {
    const start = initial.get(account.id)!;
    const orders = await system.db.prisma.order.findMany({
      where: { accountId: account.id },
      include: { executions: true },
    });
    let cash = start.cash;
    let pointsLeft = start.points;
    const shares = new Map(start.holdings);
    for (const order of orders) {
      let commission = dec(0);
      for (const execution of order.executions) {
        const notional = execution.quantity.times(execution.price);
        commission = commission.plus(commissionOn(notional, system.services.config.fees.commissionRate));
        cash = order.side === "BUY" ? cash.minus(notional) : cash.plus(notional);
        shares.set(
          order.symbol,
          (shares.get(order.symbol) ?? dec(0)).plus(
            order.side === "BUY" ? execution.quantity : execution.quantity.negated(),
          ),
        );
      }
      cash = cash.minus(commission.minus(order.pointsUsed.dividedBy(100)));
      pointsLeft = pointsLeft.minus(order.pointsUsed);
      expect(order.filledQuantity.toString()).toBe(
        order.executions.reduce((sum, execution) => sum.plus(execution.quantity), dec(0)).toString(),
      );
      expect(order.feesPaid.toFixed(2)).toBe(commission.toFixed(2));
    }
    const balance = await system.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: account.id, currency: "USD" },
    });
    expect([balance.available.plus(balance.held).toFixed(4), balance.held.toFixed(2)]).toEqual([
      cash.toFixed(4),
      "0.00",
    ]);
    const points = await system.services.points.balance(account.accountNo);
    expect([points.available, points.held]).toEqual([pointsLeft.toString(), "0"]);
    for (const holding of await system.db.prisma.holding.findMany({ where: { accountId: account.id } })) {
      expect([
        holding.symbol,
        holding.quantity.plus(holding.heldQuantity).toString(),
        holding.heldQuantity.toString(),
      ]).toEqual([holding.symbol, (shares.get(holding.symbol) ?? dec(0)).toString(), "0"]);
    }
  }
});

function count(tally: Map<string, number>, key: string) {
  tally.set(key, (tally.get(key) ?? 0) + 1);
}
