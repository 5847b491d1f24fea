// The ledger's group commit against a real database: executions handed over one at a time, many at once, are applied
// in batches per account with the guarantees of one-at-a-time — each exactly once, every balance equal to its
// entries — and an execution that fails is isolated and refused on its own while the rest of its batch is applied.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Order } from "@meridian/db";
import { createHarness, type Harness } from "../../test/harness";
import { submitOrder } from "../gateway/submitOrder";
import { findLedgerViolations } from "../invariants/fullCheck";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import { storeExecution } from "../receiver/storeExecution";
import type { AccountRef } from "../services";
import { dec } from "../shared/money";
import { applyExecutions } from "./applyExecution";
import { LedgerBatcher } from "./ledgerBatcher";

describe("LedgerBatcher: executions applied in batches per account", () => {
  let h: Harness;
  let alice: AccountRef;
  let bob: AccountRef;

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
    bob = await h.account("bob@demo.meridian");
  });
  afterAll(async () => h?.close());

  /** Limit buys of `quantity` AAPL at $10, accepted by the (scripted) broker. */
  async function acceptedBuys(account: AccountRef, count: number, quantity: string): Promise<Order[]> {
    const orders: Order[] = [];
    for (let i = 0; i < count; i++) {
      const order = await placeOrder({
        ctx: { services: h.services, account, actor: "test" },
        input: ZPlaceOrderInput.parse({ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity, limitPrice: "10.00" }),
      });
      await submitOrder({ services: h.services, retryPolicy: h.services.retryPolicy }, order.id);
      orders.push(order);
    }
    return orders;
  }

  /** The broker's execution of one share of `order`, stored as the receiver does; its receipt id. */
  async function oneShare(order: Order): Promise<string> {
    const stored = await storeExecution(h.db.prisma, "atlas", {
      execId: `E-${randomUUID()}`,
      clientOrderId: order.id,
      brokerOrderId: `B-${order.id}`,
      symbol: order.symbol,
      side: order.side,
      quantity: "1",
      price: "10.00",
      executedAt: new Date().toISOString(),
    });
    if (!stored.stored) throw new Error("duplicate");
    return stored.receiptId;
  }

  const appliedCount = (receiptIds: string[]) =>
    h.db.prisma.inboxEvent.count({ where: { consumer: "ledger", eventId: { in: receiptIds } } });

  it("applies many orders' executions, handed over as a consumer does, in few transactions and each exactly once", async () => {
    const orders = await acceptedBuys(alice, 12, "3");
    const receipts = new Map<string, string[]>();
    for (const order of orders)
      receipts.set(order.id, [await oneShare(order), await oneShare(order), await oneShare(order)]);
    const batches: number[] = [];
    const batcher = new LedgerBatcher(h.services, { onBatch: (size) => batches.push(size) });

    // As the consumers hand them over: one order's executions one after another, all orders at once.
    const outcomes = await Promise.all(
      orders.map(async (order) => {
        const seen = [];
        for (const receiptId of receipts.get(order.id)!) seen.push(await batcher.apply(alice.id, receiptId));
        return seen;
      }),
    );

    expect(outcomes.flat()).toEqual(Array(36).fill("applied"));
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(36);
    expect(batches.length).toBeLessThan(36);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    const after = await h.db.prisma.order.findMany({ where: { id: { in: orders.map((order) => order.id) } } });
    expect(after.map((order) => [order.filledQuantity.toString(), order.status])).toEqual(
      Array(12).fill(["3", "FILLED"]),
    );
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);

    // A redelivery of every one of them, again all at once: nothing is applied twice.
    const entries = await h.db.prisma.ledgerEntry.count({ where: { accountId: alice.id } });
    const again = await Promise.all([...receipts.values()].flat().map((id) => batcher.apply(alice.id, id)));
    expect(again).toEqual(Array(36).fill("duplicate"));
    expect(await h.db.prisma.ledgerEntry.count({ where: { accountId: alice.id } })).toBe(entries);
  });

  it("writes the account's cash row once per batch, from the version it read to the last, and misses if it changed", async () => {
    const orders = await acceptedBuys(bob, 4, "1");
    const receipts = await Promise.all(orders.map(oneShare));
    const cashHistory = () =>
      h.db.prisma.entityHistory.count({ where: { entity: "cash_balances", entityKey: { contains: bob.id } } });
    const before = await h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: bob.id, currency: "USD" } });
    const historyBefore = await cashHistory();

    const outcomes = await applyExecutions(h.services, bob.id, receipts);

    expect([...outcomes.values()]).toEqual(["applied", "applied", "applied", "applied"]);
    const after = await h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: bob.id, currency: "USD" } });
    // Four fills, each paying and releasing the rest of its order's hold: eight writes, one compare-and-set. The
    // version moves by eight, the history has one change (old → new) for the batch.
    expect(after.version).toBe(before.version + 8);
    expect(after.held.toFixed(2)).toBe(
      before.held.minus(orders.reduce((sum, o) => sum.plus(o.heldCash), dec(0))).toFixed(2),
    );
    expect((await cashHistory()) - historyBefore).toBe(1);

    // A row that changed behind the batch's back (a write outside the lock) makes the deferred compare-and-set miss:
    // the batch is refused whole and nothing of it is committed.
    const [late] = await acceptedBuys(bob, 1, "1");
    const lateReceipt = await oneShare(late!);
    const sneaky = h.services.prisma.$extends({
      query: {
        cashBalance: {
          async updateManyAndReturn({ args, query }) {
            await h.db.prisma.cashBalance.updateMany({
              where: { accountId: bob.id },
              data: { version: { increment: 1 } },
            });
            return query(args);
          },
        },
      },
    });
    await expect(
      applyExecutions({ ...h.services, prisma: sneaky as unknown as typeof h.services.prisma }, bob.id, [lateReceipt]),
    ).rejects.toThrow(/cash balance/);
    expect(await appliedCount([lateReceipt])).toBe(0);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("isolates the one execution that fails: it alone is refused, the rest of its batch is applied", async () => {
    const [first, ...rest] = await acceptedBuys(alice, 6, "1");
    const [bobsOrder] = await acceptedBuys(bob, 1, "1");
    const blocker = await oneShare(first!);
    const good = await Promise.all(rest.map(oneShare));
    // Bob's execution handed over as if it were Alice's (a message with the wrong account): its batch must fail.
    const misrouted = await oneShare(bobsOrder!);
    const batches: number[] = [];
    const batcher = new LedgerBatcher(h.services, { onBatch: (size) => batches.push(size) });

    // The first goes alone at once; the others wait behind it and make up the next batch, the misrouted one inside.
    const firstDone = batcher.apply(alice.id, blocker);
    const middle = Math.floor(good.length / 2);
    const queued = [...good.slice(0, middle), misrouted, ...good.slice(middle)].map((id) =>
      batcher.apply(alice.id, id).then(
        (outcome) => ({ id, outcome }),
        (error: Error) => ({ id, error: error.message }),
      ),
    );

    expect(await firstDone).toBe("applied");
    const results = await Promise.all(queued);
    expect(results.filter((result) => "outcome" in result).map((result) => result.id)).toEqual(good);
    expect(results.find((result) => result.id === misrouted)).toMatchObject({
      error: expect.stringMatching(/is for account .* not /),
    });
    expect(await appliedCount(good)).toBe(good.length);
    expect(await appliedCount([misrouted])).toBe(0);
    expect(
      (await h.db.prisma.order.findUniqueOrThrow({ where: { id: bobsOrder!.id } })).filledQuantity.toString(),
    ).toBe("0");
    // Split down to the failing one: every good execution committed in some batch, none with the misrouted one.
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(1 + good.length);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });
});
