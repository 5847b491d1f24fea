// TCC participants behind their barriers: the classic anomalies (Seata's tcc_fence_log, dtm's barrier) on a real
// database — empty rollback, suspension, repeated Confirm and Cancel — and points refused at Try.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import { findLedgerViolations } from "../invariants";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import type { AccountRef } from "../services";
import { DomainError } from "../shared/errors";
import { dec } from "../shared/money";
import { confirmTcc, releaseTcc } from "./coordinator";
import { deliverFeePointsBranches } from "./feePoints";
import { cashParticipant } from "./participants";

describe("TCC fences", () => {
  let h: Harness;
  let bob: AccountRef;
  const cash = () => h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: bob.id, currency: "USD" } });
  /** A bare transaction record, as the coordinator makes at Try, for driving participants out of order. */
  const newTransaction = async () =>
    (
      await h.db.prisma.tccTransaction.create({
        data: { orderId: crypto.randomUUID(), deadline: new Date(Date.now() + 60_000) },
      })
    ).id;
  const fakeOrder = (heldCash: string) =>
    ({ accountId: bob.id, symbol: "AAPL", heldCash: dec(heldCash), heldQuantity: dec(0), heldPoints: dec(0) }) as never;

  beforeAll(async () => {
    h = await createHarness();
    bob = await h.account("bob@demo.meridian");
  });
  afterAll(async () => h?.close());

  it("Cancel before Try is an empty rollback, and the late Try is suspended: nothing is ever held", async () => {
    const transactionId = await newTransaction();
    const before = await cash();
    const cancel = await h.db.prisma.$transaction((tx) =>
      cashParticipant.cancel(tx, transactionId, fakeOrder("100.00")),
    );
    expect(cancel).toBe("empty-rollback");
    const lateTry = await h.db.prisma.$transaction((tx) =>
      cashParticipant.try(tx, transactionId, fakeOrder("0"), dec("100.00")),
    );
    expect(lateTry).toBe("suspended");
    const after = await cash();
    expect([after.available.toFixed(2), after.held.toFixed(2)]).toEqual([
      before.available.toFixed(2),
      before.held.toFixed(2),
    ]);
  });

  it("a repeated Try holds once; a repeated Cancel releases once", async () => {
    const transactionId = await newTransaction();
    const before = await cash();
    for (let attempt = 0; attempt < 3; attempt++)
      await h.db.prisma.$transaction((tx) => cashParticipant.try(tx, transactionId, fakeOrder("0"), dec("250.00")));
    expect((await cash()).held.minus(before.held).toFixed(2)).toBe("250.00");
    const verdicts = [];
    for (let attempt = 0; attempt < 3; attempt++)
      verdicts.push(
        await h.db.prisma.$transaction((tx) => cashParticipant.cancel(tx, transactionId, fakeOrder("250.00"))),
      );
    expect(verdicts).toEqual(["proceed", "duplicate", "duplicate"]);
    const after = await cash();
    expect([after.available.toFixed(2), after.held.toFixed(2)]).toEqual([
      before.available.toFixed(2),
      before.held.toFixed(2),
    ]);
  });

  it("a repeated Confirm is a no-op, and Confirm after Cancel is refused", async () => {
    const transactionId = await newTransaction();
    await h.db.prisma.$transaction((tx) => cashParticipant.try(tx, transactionId, fakeOrder("0"), dec("10.00")));
    expect(await h.db.prisma.$transaction((tx) => cashParticipant.confirm(tx, transactionId))).toBe("proceed");
    expect(await h.db.prisma.$transaction((tx) => cashParticipant.confirm(tx, transactionId))).toBe("duplicate");
    await h.db.prisma.$transaction((tx) => cashParticipant.cancel(tx, transactionId, fakeOrder("10.00")));
    expect(await h.db.prisma.$transaction((tx) => cashParticipant.confirm(tx, transactionId))).toBe("refused");
  });

  it("an order's coordinator: duplicate confirm and duplicate release change nothing more", async () => {
    const order = await placeOrder({
      ctx: { services: h.services, account: bob, actor: "test" },
      input: ZPlaceOrderInput.parse({
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        quantity: "2",
        limitPrice: "50.00",
        payFeeWithPoints: true,
      }),
    });
    expect(order.heldCash.toFixed(2)).toBe("100.00");
    expect(order.heldPoints.toString()).toBe("11"); // commission 0.10 + half a cent per share for per-fill rounding → 11 points
    await h.db.prisma.$transaction(async (tx) => {
      await confirmTcc(tx, order);
      await confirmTcc(tx, order);
    });
    const confirmed = await h.db.prisma.tccTransaction.findUniqueOrThrow({
      where: { orderId: order.id },
      include: { fences: true },
    });
    expect(confirmed.status).toBe("CONFIRMED");
    // Cash is ours; the points are a branch at the points service, still TRIED until the order ends.
    expect(confirmed.fences.map((fence) => [fence.participant, fence.state])).toEqual([["CASH", "CONFIRMED"]]);
    const branch = await h.db.prisma.tccBranch.findFirstOrThrow({ where: { transactionId: confirmed.id } });
    expect([branch.state, branch.points.toString()]).toEqual(["TRIED", "11"]);
    const before = await cash();
    await h.db.prisma.$transaction(async (tx) => {
      await releaseTcc(tx, order, "cancelled");
      await releaseTcc(tx, order, "cancelled");
    });
    expect((await cash()).available.minus(before.available).toFixed(2)).toBe("100.00");
    // Nothing was spent: the branch is set to be cancelled (once, however often the release ran), and is delivered.
    const settled = await h.db.prisma.tccBranch.findFirstOrThrow({ where: { transactionId: confirmed.id } });
    expect([settled.state, settled.spent.toString()]).toEqual(["CANCELLING", "0"]);
    expect(await deliverFeePointsBranches(h.services)).toEqual({ acknowledged: 1, failed: 0, refused: 0 });
    expect(await h.services.points.balance(bob.accountNo)).toEqual({
      accountNo: bob.accountNo,
      available: "300",
      held: "0",
    });
    // closeOrder zeroes the order's own reservation fields beside the release; do the same to leave the books whole.
    await h.db.prisma.order.update({
      where: { id: order.id },
      data: { status: "CANCELLED", heldCash: 0, heldPoints: 0 },
    });
  });

  it("refuses points beyond the balance at Try: no order, nothing held", async () => {
    const chloe = await h.account("chloe@demo.meridian"); // 0 points
    const ordersBefore = await h.db.prisma.order.count({ where: { accountId: chloe.id } });
    const cashBefore = await h.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: chloe.id, currency: "USD" },
    });
    const error = await placeOrder({
      ctx: { services: h.services, account: chloe, actor: "test" },
      input: ZPlaceOrderInput.parse({
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        quantity: "10",
        limitPrice: "100.00",
        payFeeWithPoints: true,
      }),
    }).catch((caught) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).field).toBe("payFeeWithPoints");
    expect(await h.db.prisma.order.count({ where: { accountId: chloe.id } })).toBe(ordersBefore);
    const cashAfter = await h.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: chloe.id, currency: "USD" },
    });
    expect(cashAfter.held.toFixed(2)).toBe(cashBefore.held.toFixed(2));
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });
});
