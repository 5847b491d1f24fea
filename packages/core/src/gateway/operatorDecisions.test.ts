// Operator actions are as safe as the machine's own: the Pending queue takes only reservations recovery escalated,
// its CANCEL cancels at the broker first and its CONFIRM needs the broker to know the order; "mark rejected" waits out
// a submit that may still land and holds the account lock while it asks the broker. Refusals change nothing.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { brokerView, gatewayDriver } from "../../test/gatewayDriver";
import { accountSnapshot, createHarness, type ApiCaller, type Harness } from "../../test/harness";
import { findLedgerViolations } from "../invariants";
import { cancelOrder } from "../orders/cancelOrder";
import type { AccountRef } from "../services";
import { submitOrder } from "./submitOrder";

describe("operator decisions", () => {
  let h: Harness;
  let alice: AccountRef;
  let ops: ApiCaller;
  let gw: ReturnType<typeof gatewayDriver>;

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
    ops = await h.caller("ops@demo.meridian");
    gw = gatewayDriver(h, alice);
  });
  beforeEach(() => gw.answerPlainly());
  afterAll(async () => h?.close());

  describe("Pending queue", () => {
    it("regression: refuses a reservation recovery did not escalate, changing nothing", async () => {
      const order = await gw.placeUnanswered();
      const before = await accountSnapshot(h.services, alice.id);
      await expect(
        ops.admin.pending.resolve({ orderId: order.id, decision: "CANCEL", reason: "looks stuck to me" }),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      await expect(
        ops.admin.pending.resolve({ orderId: order.id, decision: "CONFIRM", reason: "looks stuck to me" }),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      expect(await accountSnapshot(h.services, alice.id)).toBe(before);
      expect((await gw.order(order.id)).status).toBe("UNKNOWN");
    });

    it("regression: CANCEL asks the broker to cancel first; the hold is released when the broker confirms", async () => {
      const order = await gw.escalate(await gw.placeUnanswered());
      const decided = await ops.admin.pending.resolve({
        orderId: order.id,
        decision: "CANCEL",
        reason: "broker says it never got it",
      });
      expect(decided.status).toBe("PENDING_CANCEL");
      expect((await gw.order(order.id)).heldCash.toFixed(2)).toBe(order.heldCash.toFixed(2)); // nothing released yet
      await gw.deliverCommands(order.id);
      const closed = await gw.order(order.id);
      expect([closed.status, closed.heldCash.toString()]).toEqual(["CANCELLED", "0"]);
      const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { targetId: order.id } });
      expect(audit).toMatchObject({ action: "pending.cancel", reason: "broker says it never got it" });
      expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
      // Decided: it has left the queue.
      expect((await ops.admin.pending.list()).map((row) => row.orderId)).not.toContain(order.id);
    });

    it("regression: CANCEL waits out a submit that may still reach the broker before believing 'no such order'", async () => {
      h.services.retryPolicy.lateArrivalMs = 60_000;
      const order = await gw.escalate(await gw.placeUnanswered());
      h.broker.nextCancel = async () => ({ outcome: "NOT_FOUND" });
      await ops.admin.pending.resolve({ orderId: order.id, decision: "CANCEL", reason: "broker says it never got it" });
      const { failed } = await gw.deliverCommands(order.id);
      expect(failed[0]).toMatch(/may still arrive/);
      expect((await gw.order(order.id)).status).toBe("PENDING_CANCEL");
    });

    it("regression: CONFIRM is refused while the broker does not know the order", async () => {
      const order = await gw.escalate(await gw.placeUnanswered());
      const before = await accountSnapshot(h.services, alice.id);
      await expect(
        ops.admin.pending.resolve({ orderId: order.id, decision: "CONFIRM", reason: "I think it went through" }),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/no such order/) });
      expect(await accountSnapshot(h.services, alice.id)).toBe(before);
    });

    it("CONFIRM applies what the broker shows: ACCEPTED, reservation confirmed", async () => {
      const order = await gw.escalate(await gw.placeUnanswered());
      h.broker.nextLookup = async (id) => brokerView(id, "NEW");
      const decided = await ops.admin.pending.resolve({
        orderId: order.id,
        decision: "CONFIRM",
        reason: "visible in the back office",
      });
      expect(decided.status).toBe("ACCEPTED");
      expect((await h.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId: order.id } })).status).toBe(
        "CONFIRMED",
      );
    });

    it("regression: CONFIRM on an order the customer is cancelling keeps the cancel", async () => {
      const order = await gw.placeUnanswered();
      await cancelOrder({
        ctx: { services: h.services, account: alice, actor: "customer" },
        input: { orderId: order.id },
      });
      await gw.escalate(order);
      h.broker.nextLookup = async (id) => brokerView(id, "NEW");
      const decided = await ops.admin.pending.resolve({
        orderId: order.id,
        decision: "CONFIRM",
        reason: "visible in the back office",
      });
      expect(decided.status).toBe("PENDING_CANCEL");
    });

    it("a customer calling an operator procedure is refused before anything is read or changed", async () => {
      const order = await gw.escalate(await gw.placeUnanswered());
      const customer = await h.caller("alice@demo.meridian");
      const error = await customer.admin.pending
        .resolve({ orderId: order.id, decision: "CANCEL", reason: "customer trying it" })
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("FORBIDDEN");
      expect((await h.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId: order.id } })).status).toBe(
        "TRYING",
      );
      await expect((await h.caller(null)).admin.pending.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    });
  });

  describe("attention queue: mark rejected", () => {
    it("regression: refused while the last submit may still reach the broker", async () => {
      h.services.retryPolicy.lateArrivalMs = 60_000;
      const order = await gw.placeUnanswered();
      const before = await accountSnapshot(h.services, alice.id);
      await expect(
        ops.admin.attention.act({ orderId: order.id, action: "REJECT", reason: "broker never saw it" }),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/may still reach/) });
      expect(await accountSnapshot(h.services, alice.id)).toBe(before);
    });

    it("regression: holds the account lock while it asks the broker, so no retry goes out between the answer and the close", async () => {
      const order = await gw.placeUnanswered();
      let answerLookup!: () => void;
      h.broker.nextLookup = () => new Promise((resolve) => (answerLookup = () => resolve(null)));
      const rejecting = ops.admin.attention.act({ orderId: order.id, action: "REJECT", reason: "broker never saw it" });
      await new Promise((resolve) => setTimeout(resolve, 150));
      // A retry starts while the operator's lookup is out; it must not reach the broker before the decision lands.
      const retrying = submitOrder(gw.deps(), order.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      answerLookup();
      await Promise.all([rejecting, retrying]);
      expect((await gw.order(order.id)).status).toBe("REJECTED");
      expect(h.broker.submitted.filter((request) => request.clientOrderId === order.id)).toHaveLength(1); // the first, unanswered one only
      expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
    });

    it("regression: a broker without lookup is asked by its daily report; one that cannot be asked at all is refused", async () => {
      const broker = h.broker as unknown as {
        capabilities: { lookupByClientOrderId: boolean };
        listOrdersSince?: () => Promise<unknown[]>;
      };
      broker.capabilities = { lookupByClientOrderId: false };
      try {
        // The submit's answer was lost after the broker took the order: only its report knows.
        const taken = await gw.placeUnanswered();
        broker.listOrdersSince = async () => [brokerView(taken.id, "NEW")];
        await expect(
          ops.admin.attention.act({ orderId: taken.id, action: "REJECT", reason: "broker never saw it" }),
        ).rejects.toMatchObject({
          code: "PRECONDITION_FAILED",
          message: expect.stringMatching(/has this order \(NEW\)/),
        });
        expect((await gw.order(taken.id)).status).toBe("UNKNOWN");

        broker.listOrdersSince = undefined;
        await expect(
          ops.admin.attention.act({ orderId: taken.id, action: "REJECT", reason: "broker never saw it" }),
        ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/cannot be asked/) });

        const never = await gw.placeUnanswered();
        broker.listOrdersSince = async () => [];
        await ops.admin.attention.act({ orderId: never.id, action: "REJECT", reason: "broker never saw it" });
        expect((await gw.order(never.id)).status).toBe("REJECTED");
      } finally {
        broker.capabilities = { lookupByClientOrderId: true };
        delete broker.listOrdersSince;
      }
    });

    it("regression: refused once the broker has sent an execution for the order", async () => {
      const order = await gw.placeUnanswered();
      await h.db.prisma.executionReceipt.create({
        data: {
          brokerId: "atlas",
          execId: `E-${order.id}`,
          orderId: order.id,
          quantity: 1,
          price: "100.00",
          executedAt: new Date(),
        },
      });
      await expect(
        ops.admin.attention.act({ orderId: order.id, action: "REJECT", reason: "broker never saw it" }),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/execution/) });
      expect((await gw.order(order.id)).status).toBe("UNKNOWN");
    });

    it("is refused when the broker has the order", async () => {
      const order = await gw.placeUnanswered();
      h.broker.nextLookup = async (id) => brokerView(id, "NEW");
      await expect(
        ops.admin.attention.act({ orderId: order.id, action: "REJECT", reason: "broker never saw it" }),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      expect((await gw.order(order.id)).status).toBe("UNKNOWN");
    });
  });
});
