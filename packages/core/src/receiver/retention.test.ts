// Retention of refused callbacks: those past their days go, with their reviews; recent ones stay, reviewed or not;
// ledger refusals (order events) and their reviews are never pruned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import { LEDGER_REFUSAL_KIND } from "./quarantine";
import { loadConfig } from "../config/load";
import { pruneRefusedCallbacks } from "./retention";

const DAY = 24 * 60 * 60_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

describe("retention of refused callbacks", () => {
  let h: Harness;
  let operatorId: string;
  beforeAll(async () => {
    h = await createHarness();
    operatorId = (await h.db.prisma.user.findUniqueOrThrow({ where: { email: "ops@demo.meridian" } })).id;
  });
  afterAll(async () => h?.close());

  async function refusedCallback(execId: string, receivedDaysAgo: number, reviewed: boolean) {
    const callback = await h.db.prisma.refusedCallback.create({
      data: {
        brokerId: "atlas",
        reasonCode: "SIGNATURE",
        reason: "signature refused",
        execId,
        body: "{}",
        receivedAt: ago(receivedDaysAgo),
      },
    });
    if (reviewed)
      await h.db.prisma.quarantineReview.create({
        data: { refusedCallbackId: callback.id, reviewedBy: operatorId, reason: "reported to security" },
      });
  }

  /** A reviewed ledger refusal older than any retention: the brokerage's record. */
  async function oldReviewedLedgerRefusal(): Promise<bigint> {
    const alice = await h.account("alice@demo.meridian");
    const input = ZPlaceOrderInput.parse({
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "1",
      limitPrice: "100.00",
    });
    const order = await placeOrder({ ctx: { services: h.services, account: alice, actor: "test" }, input });
    const event = await h.db.prisma.orderEvent.create({
      data: { orderId: order.id, kind: LEDGER_REFUSAL_KIND, actor: "ledger", cause: "overfill", createdAt: ago(400) },
    });
    await h.db.prisma.quarantineReview.create({
      data: { orderEventId: event.id, reviewedBy: operatorId, reason: "settled by reconciliation" },
    });
    return event.id;
  }

  it("deletes callbacks past their days with their reviews, and keeps recent ones, reviewed or not", async () => {
    await refusedCallback("old-reviewed", 91, true);
    await refusedCallback("old-open", 120, false);
    await refusedCallback("recent-reviewed", 89, true);
    await refusedCallback("recent-open", 1, false);
    const ledgerRefusalId = await oldReviewedLedgerRefusal();

    expect(await pruneRefusedCallbacks(h.db.prisma, 90)).toBe(2);

    const kept = await h.db.prisma.refusedCallback.findMany({ select: { execId: true }, orderBy: { id: "asc" } });
    expect(kept.map((row) => row.execId)).toEqual(["recent-reviewed", "recent-open"]);
    const reviews = await h.db.prisma.quarantineReview.findMany({
      select: { orderEventId: true, refusedCallback: { select: { execId: true } } },
      orderBy: { id: "asc" },
    });
    expect(reviews.map((review) => review.refusedCallback?.execId ?? `event:${review.orderEventId}`)).toEqual([
      "recent-reviewed",
      `event:${ledgerRefusalId}`,
    ]);
    expect(await h.db.prisma.orderEvent.count({ where: { id: ledgerRefusalId } })).toBe(1);
  });

  it("reads its days from REFUSED_CALLBACK_RETENTION_DAYS, 90 by default, and refuses a nonsense value", () => {
    const refusedCallbackDays = (env: Record<string, string>) => loadConfig(env).retention.refusedCallbackDays;
    expect(refusedCallbackDays({})).toBe(90);
    expect(refusedCallbackDays({ REFUSED_CALLBACK_RETENTION_DAYS: "30" })).toBe(30);
    expect(() => refusedCallbackDays({ REFUSED_CALLBACK_RETENTION_DAYS: "0" })).toThrow(
      /REFUSED_CALLBACK_RETENTION_DAYS must be a positive whole number \(days\), got "0"/,
    );
    expect(() => refusedCallbackDays({ REFUSED_CALLBACK_RETENTION_DAYS: "ninety" })).toThrow(
      /REFUSED_CALLBACK_RETENTION_DAYS/,
    );
  });
});
