// The overseas link is slow and lossy: responses dropped after the broker processed the order, 5xx before it did.
// Every order is retried with the same order id until its outcome is known, so the broker never holds two orders for
// one of ours, every order ends terminal or in the attention queue, and the books stay exact.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findLedgerViolations, isTerminal, type AccountRef } from "@meridian/core";
import { createFundedAccount } from "./accounts";
import { startSystem, waitUntil, type TestSystem } from "./system";

interface BrokerOrder {
  clientOrderId: string;
  status: string;
  filledQuantity: string;
}

describe("lossy broker link", () => {
  let system: TestSystem;
  let accounts: AccountRef[];

  beforeAll(async () => {
    system = await startSystem({ brokerTimeoutMs: 400, retryBaseMs: 100, maxAttempts: 8 });
    accounts = [];
    for (let i = 1; i <= 4; i++)
      accounts.push(
        await createFundedAccount(system.db.prisma, `X-${i}`, {
          cash: "5000000.00",
          points: "0",
          holdings: { AAPL: "5000", TSLA: "5000" },
        }),
      );
    await system.services.quotes.all(); // priced from memory while the faults are on
  });
  afterEach(async () => {
    for (const brokerId of ["atlas", "harbor"]) await system.broker(brokerId, "/reset", { method: "POST" });
  });
  afterAll(async () => system?.close());

  async function brokerOrders(brokerId: string): Promise<BrokerOrder[]> {
    return (await (await system.broker(brokerId, "/orders")).json()) as BrokerOrder[];
  }

  /** With executions held back, an order's outcome is known only from the broker's answer (or a lookup). */
  async function outcomesKnown(orderIds: string[]) {
    await waitUntil(
      async () => {
        const orders = await system.db.prisma.order.findMany({
          where: { id: { in: orderIds } },
          select: { status: true },
        });
        return orders.every(
          (order) =>
            ["ACCEPTED", "PARTIALLY_FILLED", "NEEDS_ATTENTION"].includes(order.status) || isTerminal(order.status),
        );
      },
      240_000,
      "every order accepted, rejected or waiting for an operator",
    );
  }

  async function settle(orderIds: string[]) {
    await waitUntil(
      async () => {
        const orders = await system.db.prisma.order.findMany({
          where: { id: { in: orderIds } },
          select: { status: true },
        });
        return orders.every((order) => isTerminal(order.status) || order.status === "NEEDS_ATTENTION");
      },
      240_000,
      "every order terminal or waiting for an operator",
    );
  }

  /** Ours and the broker's agree one to one: no broker order we do not know, no second broker order for one of ours. */
  async function expectOneBrokerOrderPerOrder(brokerId: string, orderIds: string[]) {
    const reported = (await brokerOrders(brokerId)).filter((order) => orderIds.includes(order.clientOrderId));
    expect(new Set(reported.map((order) => order.clientOrderId)).size).toBe(reported.length);
    const ours = await system.db.prisma.order.findMany({
      where: { id: { in: reported.map((order) => order.clientOrderId) } },
    });
    for (const order of reported) {
      const mine = ours.find((candidate) => candidate.id === order.clientOrderId)!;
      // What the broker filled, we booked (a NEEDS_ATTENTION order the broker filled would show fills here too).
      expect([order.clientOrderId, mine.filledQuantity.toString()]).toEqual([
        order.clientOrderId,
        order.filledQuantity,
      ]);
    }
    const stats = (await (await system.broker(brokerId, "/stats")).json()) as {
      ordersCreated: number;
      duplicateSubmits: number;
    };
    return stats;
  }

  it("400 orders with 30% dropped responses and 10% 5xx on both brokers", async () => {
    for (const brokerId of ["atlas", "harbor"]) {
      // Executions are held back so that a lost answer must be recovered by retrying, not by a fill arriving first.
      await system.broker(brokerId, "/faults", {
        method: "PUT",
        body: JSON.stringify({ dropResponseRate: 0.3, errorRate: 0.1, pauseExecutions: true }),
      });
    }
    // Placed 40 at a time (10 per account): this test is about the link, not about queueing 100 requests on one
    // account lock, which on a loaded machine can outwait the lock's bounded wait.
    const placed = [];
    for (let wave = 0; wave < 400; wave += 40) {
      placed.push(
        ...(await Promise.all(
          Array.from({ length: 40 }, (_, j) => wave + j).map((i) =>
            system.place(accounts[i % accounts.length]!, {
              symbol: i % 2 ? "AAPL" : "TSLA",
              side: i % 3 ? "BUY" : "SELL",
              type: "MARKET",
              quantity: String(1 + (i % 3)),
            }),
          ),
        )),
      );
    }
    const ids = placed.map((order) => order.id);
    await outcomesKnown(ids);
    for (const brokerId of ["atlas", "harbor"]) await system.broker(brokerId, "/reset", { method: "POST" });
    await settle(ids);

    const atlas = await expectOneBrokerOrderPerOrder("atlas", ids);
    const harbor = await expectOneBrokerOrderPerOrder("harbor", ids);
    expect(atlas.duplicateSubmits + harbor.duplicateSubmits).toBeGreaterThan(0); // retries really happened
    const byStatus = await system.db.prisma.order.groupBy({
      by: ["status"],
      where: { id: { in: ids } },
      _count: { _all: true },
    });
    console.info(
      `final ${JSON.stringify(Object.fromEntries(byStatus.map((row) => [row.status, row._count._all])))}; atlas ${JSON.stringify(atlas)}; harbor ${JSON.stringify(harbor)}`,
    );
    expect(byStatus.every((row) => isTerminal(row.status) || row.status === "NEEDS_ATTENTION")).toBe(true);
    const unknownEvents = await system.db.prisma.orderEvent.count({
      where: { orderId: { in: ids }, kind: "OUTCOME_UNKNOWN" },
    });
    expect(unknownEvents).toBeGreaterThan(0);
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });

  it("the broker that cannot look orders up (harbor) still never duplicates under dropped responses", async () => {
    await system.broker("harbor", "/faults", {
      method: "PUT",
      body: JSON.stringify({ dropResponseRate: 0.5, pauseExecutions: true }),
    });
    const placed = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        system.place(accounts[i % accounts.length]!, { symbol: "TSLA", side: "BUY", type: "MARKET", quantity: "1" }),
      ),
    );
    const ids = placed.map((order) => order.id);
    await outcomesKnown(ids);
    await system.broker("harbor", "/reset", { method: "POST" });
    await settle(ids);
    const stats = await expectOneBrokerOrderPerOrder("harbor", ids);
    expect(stats.duplicateSubmits).toBeGreaterThan(0);
    const lookups = await system.db.prisma.brokerCall.count({ where: { brokerId: "harbor", operation: "lookup" } });
    expect(lookups).toBe(0);
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });

  it("placeOrder returns while the broker takes 5 s to answer: the customer never waits on the broker", async () => {
    await system.services.quotes.all(); // quotes are served from memory, refreshed in the background
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ latencyMs: 5000 }) });
    try {
      const placed = [];
      for (let i = 0; i < 10; i++)
        placed.push(await system.place(accounts[0]!, { symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "1" }));
      const lastReturnedAt = new Date();
      // Every call came back before the broker had answered any of them.
      const answered = await system.db.prisma.orderEvent.findMany({
        where: { orderId: { in: placed.map((order) => order.id) }, kind: { in: ["ACCEPTED", "FILL", "REJECTED"] } },
      });
      expect(answered).toEqual([]);
      expect(placed.every((order) => order.status === "PENDING_NEW")).toBe(true);
      await settle(placed.map((order) => order.id));
      const firstAnswer = await system.db.prisma.orderEvent.findFirstOrThrow({
        where: { orderId: { in: placed.map((order) => order.id) }, kind: { in: ["ACCEPTED", "FILL", "REJECTED"] } },
        orderBy: { id: "asc" },
      });
      expect(firstAnswer.createdAt.getTime()).toBeGreaterThan(lastReturnedAt.getTime());
    } finally {
      await system.broker("atlas", "/reset", { method: "POST" });
    }
  });
});
