// Pending cleanup: reservations past their deadline are settled from the order's known outcome or escalated to the
// operators, who resolve them with a reason; refusals change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import type { OrderStatus } from "@meridian/db";
import { accountSnapshot, createHarness, type Harness } from "../../test/harness";
import { findLedgerViolations } from "../ledger/invariants";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import type { AccountRef } from "../services";
import { DomainError } from "../shared/errors";
import { appRouter } from "../trpc/root";
import { createCallerFactory } from "../trpc/init";
import { resolveExpiredTcc, resolvePendingByOperator } from "./pending";

describe("pending cleanup", () => {
  let h: Harness;
  let alice: AccountRef;
  let operatorId: string;

  /** An order whose reservation deadline has passed while the order sits in `status`. */
  async function expiredOrder(status: OrderStatus) {
    const order = await placeOrder({ ctx: { services: h.services, account: alice, actor: "test" }, input: ZPlaceOrderInput.parse({ symbol: "MSFT", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100.00" }) });
    await h.db.prisma.order.update({ where: { id: order.id }, data: { status } });
    await h.db.prisma.tccTransaction.update({ where: { orderId: order.id }, data: { deadline: new Date(Date.now() - 1000) } });
    return order;
  }

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
    operatorId = (await h.db.prisma.user.findUniqueOrThrow({ where: { email: "ops@demo.meridian" } })).id;
  });
  afterAll(async () => h?.close());

  it("confirms an accepted order, expires one never sent (releasing its hold), escalates one of unknown outcome", async () => {
    const accepted = await expiredOrder("ACCEPTED");
    const neverSent = await expiredOrder("PENDING_NEW");
    const unknown = await expiredOrder("UNKNOWN");
    const counts = await resolveExpiredTcc(h.services);
    expect(counts).toMatchObject({ confirmed: 1, expired: 1, escalated: 1 });
    const tcc = async (orderId: string) => h.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId } });
    expect((await tcc(accepted.id)).status).toBe("CONFIRMED");
    expect((await tcc(neverSent.id)).status).toBe("CANCELLED");
    const expired = await h.db.prisma.order.findUniqueOrThrow({ where: { id: neverSent.id } });
    expect([expired.status, expired.heldCash.toString()]).toEqual(["EXPIRED", "0"]);
    const escalated = await tcc(unknown.id);
    expect([escalated.status, escalated.escalatedAt !== null]).toEqual(["TRYING", true]);
    // A second pass leaves the escalated one for the operators.
    expect(await resolveExpiredTcc(h.services)).toMatchObject({ confirmed: 0, expired: 0, escalated: 0 });
  });

  it("an operator cancels a pending order with a reason: holds released, audited with who and why", async () => {
    const order = await expiredOrder("UNKNOWN");
    await resolveExpiredTcc(h.services);
    const resolved = await resolvePendingByOperator(h.services, `operator:${operatorId}`, { orderId: order.id, decision: "CANCEL", reason: "broker confirmed by phone it has no such order" });
    expect([resolved.status, resolved.heldCash.toString()]).toEqual(["CANCELLED", "0"]);
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { targetId: order.id } });
    expect(audit).toMatchObject({ actor: `operator:${operatorId}`, action: "pending.cancel", reason: "broker confirmed by phone it has no such order" });
    const history = await h.db.prisma.entityHistory.findFirstOrThrow({ where: { entity: "orders", entityKey: order.id, actor: `operator:${operatorId}` } });
    expect(history.cause).toContain("broker confirmed by phone");
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("an operator confirms a pending order: it becomes ACCEPTED and keeps its reservation", async () => {
    const order = await expiredOrder("NEEDS_ATTENTION");
    await resolveExpiredTcc(h.services);
    const resolved = await resolvePendingByOperator(h.services, "operator:test", { orderId: order.id, decision: "CONFIRM", reason: "visible in the broker's back office" });
    expect([resolved.status, resolved.heldCash.toFixed(2)]).toEqual(["ACCEPTED", order.heldCash.toFixed(2)]);
    expect((await h.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId: order.id } })).status).toBe("CONFIRMED");
  });

  it("refuses to resolve an already-settled reservation, or without a reason, and changes nothing", async () => {
    const order = await expiredOrder("UNKNOWN");
    await resolveExpiredTcc(h.services);
    const before = await accountSnapshot(h.services, alice.id);
    await expect(resolvePendingByOperator(h.services, "operator:test", { orderId: order.id, decision: "CANCEL", reason: " " })).rejects.toThrow(/reason/);
    await resolvePendingByOperator(h.services, "operator:test", { orderId: order.id, decision: "CANCEL", reason: "first decision" });
    const settled = await accountSnapshot(h.services, alice.id);
    const again = await resolvePendingByOperator(h.services, "operator:test", { orderId: order.id, decision: "CONFIRM", reason: "second decision" }).catch((error) => error);
    expect(again).toBeInstanceOf(DomainError);
    expect((again as DomainError).code).toBe("PRECONDITION_FAILED");
    expect(await accountSnapshot(h.services, alice.id)).toBe(settled);
    expect(settled).not.toBe(before);
    expect(await h.db.prisma.auditLog.count({ where: { targetId: order.id } })).toBe(1);
  });

  it("a customer calling an operator procedure is refused before anything is read or changed", async () => {
    const order = await expiredOrder("UNKNOWN");
    await resolveExpiredTcc(h.services);
    const user = await h.db.prisma.user.findUniqueOrThrow({ where: { email: "alice@demo.meridian" } });
    const session = { user: { userId: user.id, role: "CUSTOMER" as const }, save: async () => {}, destroy: async () => {} };
    const caller = createCallerFactory(appRouter)({ services: h.services, session });
    const error = await caller.admin.pending.resolve({ orderId: order.id, decision: "CANCEL", reason: "customer trying it" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect((await h.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId: order.id } })).status).toBe("TRYING");
    const anonymous = createCallerFactory(appRouter)({ services: h.services, session: { user: null, save: async () => {}, destroy: async () => {} } });
    await expect(anonymous.admin.pending.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
