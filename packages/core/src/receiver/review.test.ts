// admin.quarantine.review: an operator marks a refused callback or a ledger refusal reviewed with a reason, stored
// with who and when and audited like every operator action. Every refusal (twice, unknown entry, short reason,
// customer) changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import { LEDGER_REFUSAL_KIND } from "./quarantine";
import { recordRefusal } from "./refusals";

const OPS = "ops@demo.meridian";

describe("admin.quarantine.review", () => {
  let h: Harness;
  let operatorId: string;
  let orderId: string;

  /** A fresh refused callback; its Quarantine key. */
  async function refusedCallback(execId: string): Promise<string> {
    await recordRefusal(h.db.prisma, {
      brokerId: "atlas",
      code: "SIGNATURE",
      reason: "signature refused: signature mismatch",
      rawBody: "{}",
      execId,
    });
    const row = await h.db.prisma.refusedCallback.findFirstOrThrow({ where: { execId } });
    return `callback:${row.id}`;
  }

  /** A fresh ledger refusal on Alice's order, as applyExecution writes it; its Quarantine key. */
  async function ledgerRefusal(execId: string): Promise<string> {
    const event = await h.db.prisma.orderEvent.create({
      data: {
        orderId,
        kind: LEDGER_REFUSAL_KIND,
        actor: "ledger",
        cause: "execution would overfill the order",
        detail: { receiptId: "r-1", execId, quantity: "5", price: "10.00" },
      },
    });
    return `event:${event.id}`;
  }

  /** Everything a refused review must leave alone. */
  async function reviewState() {
    const [reviews, audit, events] = await Promise.all([
      h.db.prisma.quarantineReview.findMany({ orderBy: { id: "asc" } }),
      h.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } }),
      h.db.prisma.orderEvent.count(),
    ]);
    return JSON.stringify({ reviews, audit, events }, (_, value) =>
      typeof value === "bigint" ? value.toString() : value,
    );
  }

  beforeAll(async () => {
    h = await createHarness();
    operatorId = (await h.db.prisma.user.findUniqueOrThrow({ where: { email: OPS } })).id;
    const alice = await h.account("alice@demo.meridian");
    const input = ZPlaceOrderInput.parse({
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "1",
      limitPrice: "100.00",
    });
    orderId = (await placeOrder({ ctx: { services: h.services, account: alice, actor: "test" }, input })).id;
  });
  afterAll(async () => h?.close());

  it("reviews a refused callback: stored with who, when and why, audited with the operator and the reason", async () => {
    const key = await refusedCallback("E-forged");
    const operator = await h.caller(OPS);
    const reason = "forged call from an unknown IP, reported to security";

    const result = await operator.admin.quarantine.review({ key, reason });

    expect(result).toMatchObject({ key, review: { byEmail: OPS, byName: expect.any(String), reason } });
    const stored = await h.db.prisma.quarantineReview.findFirstOrThrow({
      where: { refusedCallback: { execId: "E-forged" } },
    });
    expect(stored).toMatchObject({ reviewedBy: operatorId, reason, orderEventId: null });
    expect(stored.reviewedAt.toISOString()).toBe(result.review.at);
    const audit = await h.db.prisma.auditLog.findMany({ where: { targetType: "quarantine_entry", targetId: key } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: `operator:${operatorId}`,
      action: "quarantine.review",
      reason,
      detail: { source: "RECEIVER", brokerId: "atlas", reasonCode: "SIGNATURE", execId: "E-forged" },
    });
  });

  it("reviews a ledger refusal, leaving the order's append-only events as they were", async () => {
    const key = await ledgerRefusal("E-late");
    const eventsBefore = await h.db.prisma.orderEvent.findMany({ where: { orderId }, orderBy: { id: "asc" } });
    const operator = await h.caller(OPS);
    const reason = "late fill after cancel, settled by reconciliation run 42";

    await operator.admin.quarantine.review({ key, reason });

    expect(await h.db.prisma.orderEvent.findMany({ where: { orderId }, orderBy: { id: "asc" } })).toEqual(eventsBefore);
    const [entry] = (await operator.admin.quarantine.list({ status: "reviewed" })).filter(
      (candidate) => candidate.key === key,
    );
    expect(entry).toMatchObject({ source: "LEDGER", orderId, review: { byEmail: OPS, reason } });
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({
      where: { targetType: "quarantine_entry", targetId: key },
    });
    expect(audit).toMatchObject({
      actor: `operator:${operatorId}`,
      reason,
      detail: { source: "LEDGER", reasonCode: LEDGER_REFUSAL_KIND, execId: "E-late", orderId },
    });
  });

  it("refuses a second review (CONFLICT) naming who reviewed it and when, and changes nothing", async () => {
    const key = await ledgerRefusal("E-twice");
    const operator = await h.caller(OPS);
    const { review: first } = await operator.admin.quarantine.review({ key, reason: "checked with the broker desk" });
    const before = await reviewState();

    const error = await operator.admin.quarantine
      .review({ key, reason: "a second opinion" })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "CONFLICT" });
    expect((error as Error).message).toContain(`already reviewed by ${OPS} at ${first.at}`);
    expect((error as Error).message).toContain("nothing was changed");
    expect(await reviewState()).toBe(before);
  });

  it("lets only one of two simultaneous reviews of an entry through", async () => {
    const key = await refusedCallback("E-race");
    const operator = await h.caller(OPS);

    const outcomes = await Promise.allSettled([
      operator.admin.quarantine.review({ key, reason: "first look at it" }),
      operator.admin.quarantine.review({ key, reason: "second look at it" }),
    ]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(outcomes.find((outcome) => outcome.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect(await h.db.prisma.quarantineReview.count({ where: { refusedCallback: { execId: "E-race" } } })).toBe(1);
    expect(await h.db.prisma.auditLog.count({ where: { targetId: key } })).toBe(1);
  });

  it("answers NOT_FOUND for an entry that does not exist, or an order event that is not a ledger refusal, and writes nothing", async () => {
    const operator = await h.caller(OPS);
    const ordinaryEvent = await h.db.prisma.orderEvent.findFirstOrThrow({
      where: { orderId, kind: { not: LEDGER_REFUSAL_KIND } },
    });
    const before = await reviewState();
    for (const key of ["callback:999999", "event:999999", `event:${ordinaryEvent.id}`]) {
      const error = await operator.admin.quarantine
        .review({ key, reason: "looked at it" })
        .catch((caught: unknown) => caught);
      expect(error, key).toMatchObject({ code: "NOT_FOUND" });
      expect((error as Error).message).toContain(`No Quarantine entry ${key}`);
    }
    expect(await reviewState()).toBe(before);
  });

  it("answers BAD_REQUEST for an empty or short reason and for a key that is not one, and writes nothing", async () => {
    const key = await refusedCallback("E-no-reason");
    const operator = await h.caller(OPS);
    const before = await reviewState();
    for (const input of [
      { key, reason: "" },
      { key, reason: "  ok  " },
      { key: "order:1", reason: "a proper reason" },
      { key: "callback:1; DROP", reason: "a proper reason" },
    ]) {
      await expect(operator.admin.quarantine.review(input), JSON.stringify(input)).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    expect(await reviewState()).toBe(before);
  });

  it("refuses a customer (FORBIDDEN) and writes nothing", async () => {
    const key = await refusedCallback("E-customer");
    const customer = await h.caller("alice@demo.meridian");
    const before = await reviewState();
    await expect(customer.admin.quarantine.review({ key, reason: "not mine to review" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await reviewState()).toBe(before);
  });
});
