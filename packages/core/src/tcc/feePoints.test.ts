// TCC across a real boundary: the fee points branch lives in the points service (its own HTTP server and its own
// database), so Try, Confirm and Cancel can be lost on the way there or on the way back. Each anomaly is made by the
// service's fault switches, and after each the two sides must agree: the points the service holds or took are exactly
// what our orders reserved or spent, and nothing is reserved for an order that does not exist.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { executeFill } from "../../test/executions";
import { createHarness, type Harness } from "../../test/harness";
import { submitOrder } from "../gateway/submitOrder";
import { findLedgerViolations } from "../invariants";
import { cancelOrder } from "../orders/cancelOrder";
import { placeOrder } from "../orders/placeOrder";
import { releaseHoldsOfClosedOrders } from "../orders/closedOrderHolds";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import type { AccountRef } from "../services";
import { DomainError } from "../shared/errors";
import { dec } from "../shared/money";
import { FEE_POINTS_BRANCH } from "../points/wire";
import { deliverFeePointsBranches, recordFeePointsTried } from "./feePoints";
import { reconcileFeePoints } from "./reconcileFeePoints";

describe("the fee points branch over the network", () => {
  let h: Harness;
  let bob: AccountRef; // 300 points, $10,000

  beforeAll(async () => {
    h = await createHarness();
    bob = await h.account("bob@demo.meridian");
  });
  afterAll(async () => h?.close());
  afterEach(async () => {
    h.points.faults.reset();
    // Whatever a test left owed is delivered, and both sides' books are whole after every test.
    await deliverAll();
    expect(await h.points.invariants()).toEqual([]);
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
    expect((await reconcileFeePoints(h.db.prisma, h.services.points)).mismatches).toEqual([]);
  });

  /** BUY 2 AAPL @ 50.00 with commission in points: 11 points reserved, 10 spent when it fills. */
  const buyWithPoints = (account: AccountRef, extra: Record<string, unknown> = {}) =>
    placeOrder({
      ctx: { services: h.services, account, actor: "test" },
      input: ZPlaceOrderInput.parse({
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        quantity: "2",
        limitPrice: "50.00",
        payFeeWithPoints: true,
        ...extra,
      }),
    });
  const points = (account: AccountRef) => h.services.points.balance(account.accountNo);
  const reservation = async (transactionId: string) =>
    (await h.services.points.report(new Date(0))).find((row) => row.transactionId === transactionId) ?? null;
  const branchOf = (orderId: string) => h.db.prisma.tccBranch.findFirstOrThrow({ where: { orderId } });
  const abandonedBranches = () => h.db.prisma.tccBranch.findMany({ where: { orderId: null } });
  /** Sends what is owed until nothing is (each resend waits out its backoff, at most 50 ms here). */
  async function deliverAll() {
    for (let round = 0; round < 100; round++) {
      await deliverFeePointsBranches(h.services);
      const owed = await h.db.prisma.tccBranch.count({ where: { state: { in: ["CONFIRMING", "CANCELLING"] } } });
      if (owed === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("branch ends still owed after 100 rounds");
  }
  const fill = (order: { id: string; symbol: string; side: "BUY" | "SELL" }, quantity: string, price: string) =>
    executeFill(h.services, order, quantity, price);
  async function refusalOf(promise: Promise<unknown>): Promise<DomainError> {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  it("reserves at Try, spends at Confirm exactly what the fills used, and frees the rest", async () => {
    const before = await points(bob);
    const order = await buyWithPoints(bob);
    expect(await points(bob)).toEqual({ ...before, available: String(+before.available - 11), held: "11" });
    await submitOrder({ services: h.services, retryPolicy: h.services.retryPolicy }, order.id);
    await fill(order, "2", "50.00");
    const branch = await branchOf(order.id);
    expect([branch.state, branch.spent.toString()]).toEqual(["CONFIRMING", "10"]);
    await deliverAll();
    expect((await branchOf(order.id)).state).toBe("CONFIRMED");
    expect(await points(bob)).toEqual({ ...before, available: String(+before.available - 10), held: "0" });
    expect(await reservation(branch.transactionId)).toMatchObject({ state: "CONFIRMED", spent: "10" });
  });

  it("a Try whose request never arrives: the customer is told nothing was placed, and the Cancel is an empty rollback", async () => {
    const before = await points(bob);
    h.points.faults.update({ dropRequestRate: 1 });
    const error = await refusalOf(buyWithPoints(bob));
    expect([error.code, error.field]).toEqual(["SERVICE_UNAVAILABLE", "payFeeWithPoints"]);
    expect(error.message).toMatch(/nothing was placed/);
    const [abandoned] = await abandonedBranches().then((rows) => rows.filter((row) => row.state === "CANCELLING"));
    expect(abandoned).toBeDefined();
    h.points.faults.reset();
    await deliverAll();
    // The service never saw the Try: the Cancel writes the fence CANCELLED with nothing reserved.
    expect(await reservation(abandoned!.transactionId)).toMatchObject({ state: "CANCELLED", points: "0" });
    expect(
      (
        await h.db.prisma.tccBranch.findUniqueOrThrow({
          where: { transactionId_branchId: { transactionId: abandoned!.transactionId, branchId: FEE_POINTS_BRANCH } },
        })
      ).state,
    ).toBe("CANCELLED");
    expect(await points(bob)).toEqual(before);
  });

  it("a Try slower than our timeout arrives after its Cancel: suspended, nothing is ever held", async () => {
    const before = await points(bob);
    h.points.faults.update({ latencyMs: 2500 });
    const started = Date.now();
    await refusalOf(buyWithPoints(bob));
    h.points.faults.reset(); // the Cancel goes through at once; the Try is still waiting out its latency
    await deliverAll();
    const abandoned = (await abandonedBranches()).find((row) => row.createdAt.getTime() >= started - 1000)!;
    expect(abandoned.state).toBe("CANCELLED");
    expect(await reservation(abandoned.transactionId)).toMatchObject({ state: "CANCELLED", points: "0" });
    await new Promise((resolve) => setTimeout(resolve, 2600 - (Date.now() - started)));
    // The late Try has now been processed, and refused: the fence says CANCELLED, the balance is untouched.
    expect(await reservation(abandoned.transactionId)).toMatchObject({ state: "CANCELLED", points: "0" });
    expect(await points(bob)).toEqual(before);
  });

  it("a Try whose answer is lost: the reservation exists, and the Cancel sent for it frees it", async () => {
    const before = await points(bob);
    h.points.faults.update({ dropResponseRate: 1 });
    await refusalOf(buyWithPoints(bob));
    expect(await points(bob)).toEqual({ ...before, available: String(+before.available - 11), held: "11" });
    h.points.faults.reset();
    await deliverAll();
    expect(await points(bob)).toEqual(before);
  });

  it("a placement refused after its Try (not enough cash) sends the Cancel", async () => {
    const alice = await h.account("alice@demo.meridian"); // 5,000 points, $25,000
    const before = await points(alice);
    const error = await refusalOf(buyWithPoints(alice, { quantity: "300", limitPrice: "100.00" }));
    expect(error.message).toMatch(/buying power|cash/i);
    expect(await points(alice)).not.toEqual(before); // reserved at Try, the Cancel not sent yet
    await deliverAll();
    expect(await points(alice)).toEqual(before);
  });

  it("retries a Confirm through an outage and a lost acknowledgement until acknowledged, spending once", async () => {
    const before = await points(bob);
    const order = await buyWithPoints(bob);
    await submitOrder({ services: h.services, retryPolicy: h.services.retryPolicy }, order.id);
    h.points.faults.update({ down: true });
    await fill(order, "2", "50.00");
    expect(await deliverFeePointsBranches(h.services)).toEqual({ acknowledged: 0, failed: 1, refused: 0 });
    const waiting = await branchOf(order.id);
    expect([waiting.state, waiting.attempts]).toEqual(["CONFIRMING", 1]);
    expect(waiting.lastError).toMatch(/503/);
    // Back, but the acknowledgement is lost: the Confirm was applied, so the resend is a duplicate.
    h.points.faults.update({ down: false, dropResponseRate: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await deliverFeePointsBranches(h.services)).toEqual({ acknowledged: 0, failed: 1, refused: 0 });
    h.points.faults.reset();
    await deliverAll();
    expect((await branchOf(order.id)).state).toBe("CONFIRMED");
    expect(await points(bob)).toEqual({ ...before, available: String(+before.available - 10), held: "0" });
  });

  it("the service's sweep settles what we could not deliver: Confirm, Cancel, and a transaction we never recorded", async () => {
    const before = await points(bob);
    // A filled order whose Confirm we have not sent, a cancelled one whose Cancel we have not sent, an open one.
    const filled = await buyWithPoints(bob);
    await submitOrder({ services: h.services, retryPolicy: h.services.retryPolicy }, filled.id);
    await fill(filled, "2", "50.00");
    const cancelled = await buyWithPoints(bob);
    await cancelOrder({ ctx: { services: h.services, account: bob, actor: "test" }, input: { orderId: cancelled.id } });
    const open = await buyWithPoints(bob);
    // A Try from a coordinator that died before it wrote anything.
    const orphan = randomUUID();
    await h.services.points.try({
      transactionId: orphan,
      branchId: FEE_POINTS_BRANCH,
      accountNo: bob.accountNo,
      points: "7",
    });

    const swept = await h.points.sweepOnce();
    expect(swept).toMatchObject({ confirmed: 1, cancelled: 2, pending: 1 });
    expect(await reservation((await branchOf(filled.id)).transactionId)).toMatchObject({
      state: "CONFIRMED",
      spent: "10",
      settledBy: "sweep",
    });
    expect(await reservation((await branchOf(cancelled.id)).transactionId)).toMatchObject({
      state: "CANCELLED",
      settledBy: "sweep",
    });
    expect(await reservation((await branchOf(open.id)).transactionId)).toMatchObject({ state: "TRIED" });
    expect(await reservation(orphan)).toMatchObject({ state: "CANCELLED", settledBy: "sweep" });
    // The orphan is presumed aborted for good: a placement still carrying its id can no longer commit.
    const late = await h.db.prisma
      .$transaction((tx) =>
        recordFeePointsTried(
          tx,
          { id: randomUUID() },
          { transactionId: orphan, accountNo: bob.accountNo, points: dec(7) },
        ),
      )
      .catch((caught: unknown) => caught);
    expect((late as DomainError).code).toBe("SERVICE_UNAVAILABLE");

    await deliverAll(); // our own Confirm and Cancels now meet settled fences: duplicates, acknowledged
    expect((await branchOf(filled.id)).state).toBe("CONFIRMED");
    expect((await branchOf(cancelled.id)).state).toBe("CANCELLED");
    expect(await points(bob)).toEqual({ ...before, available: String(+before.available - 10 - 11), held: "11" });
    await cancelOrder({ ctx: { services: h.services, account: bob, actor: "test" }, input: { orderId: open.id } });
  });

  it("participants in our database release what a closed order still holds, and its points branch is cancelled", async () => {
    const cashBefore = await h.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: bob.id, currency: "USD" },
    });
    const pointsBefore = await points(bob);
    // Closed behind the lifecycle's back (a hand-made fix): holds, reservation and branch all left open.
    const leftOpen = await buyWithPoints(bob);
    await h.db.prisma.$executeRaw`UPDATE orders SET status = 'CANCELLED' WHERE id = ${leftOpen.id}::uuid`;
    // Cancelled reservation, yet the order still holds its cash: the barrier would call a second Cancel a duplicate.
    const cancelledButHolding = await buyWithPoints(bob, { payFeeWithPoints: false });
    await h.db.prisma.$executeRaw`UPDATE orders SET status = 'REJECTED' WHERE id = ${cancelledButHolding.id}::uuid`;
    await h.db.prisma
      .$executeRaw`UPDATE tcc_transactions SET status = 'CANCELLED' WHERE order_id = ${cancelledButHolding.id}::uuid`;
    await h.db.prisma
      .$executeRaw`UPDATE tcc_fences SET state = 'CANCELLED' WHERE transaction_id = (SELECT id FROM tcc_transactions WHERE order_id = ${cancelledButHolding.id}::uuid)`;
    const violations = await findLedgerViolations(h.db.prisma);
    expect(violations.filter((violation) => violation.startsWith("TERMINAL_HOLDS"))).toHaveLength(2);

    expect(await releaseHoldsOfClosedOrders(h.services)).toBe(2);
    expect(await releaseHoldsOfClosedOrders(h.services)).toBe(0);
    const cashAfter = await h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: bob.id, currency: "USD" } });
    expect([cashAfter.available.toFixed(2), cashAfter.held.toFixed(2)]).toEqual([
      cashBefore.available.toFixed(2),
      cashBefore.held.toFixed(2),
    ]);
    expect((await branchOf(leftOpen.id)).state).toBe("CANCELLING");
    await deliverAll();
    expect(await points(bob)).toEqual(pointsBefore);
    const timeline = await h.db.prisma.orderEvent.findMany({
      where: { orderId: leftOpen.id, kind: "RESERVATION_RELEASED" },
    });
    expect(timeline).toHaveLength(1);
  });

  it("many placements at once on one account: exactly as many as the points cover, and nothing held for the rest", async () => {
    const chloe = await h.account("chloe@demo.meridian"); // 0 points, $50,000
    await h.services.points.credit(chloe.accountNo, { key: `test:${randomUUID()}`, points: "100", reason: "test" });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => buyWithPoints(chloe)));
    const placed = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result) => result.status === "rejected");
    expect(placed).toHaveLength(9); // 9 × 11 = 99 of 100 points
    for (const result of refused)
      expect(((result as PromiseRejectedResult).reason as DomainError).field).toBe("payFeeWithPoints");
    await deliverAll();
    expect(await points(chloe)).toEqual({ accountNo: chloe.accountNo, available: "1", held: "99" });
    for (const result of placed) {
      const order = (result as PromiseFulfilledResult<{ id: string }>).value;
      await cancelOrder({ ctx: { services: h.services, account: chloe, actor: "test" }, input: { orderId: order.id } });
    }
    await deliverAll();
    expect(await points(chloe)).toEqual({ accountNo: chloe.accountNo, available: "100", held: "0" });
  });
});
