// Pending cleanup: reservations past their deadline are settled from the order's known outcome or escalated to the
// operators (whose decisions are tested in gateway/pendingReservations.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrderStatus } from "@meridian/db";
import { createHarness, type Harness } from "../../test/harness";
import { findLedgerViolations } from "../invariants";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import type { AccountRef } from "../services";
import { resolveExpiredTcc } from "./expiredReservations";

describe("pending cleanup", () => {
  let h: Harness;
  let alice: AccountRef;

  /** An order whose reservation deadline has passed while the order sits in `status`. */
  async function expiredOrder(status: OrderStatus) {
    const order = await placeOrder({
      ctx: { services: h.services, account: alice, actor: "test" },
      input: ZPlaceOrderInput.parse({
        symbol: "MSFT",
        side: "BUY",
        type: "LIMIT",
        quantity: "1",
        limitPrice: "100.00",
      }),
    });
    await h.db.prisma.order.update({ where: { id: order.id }, data: { status } });
    await h.db.prisma.tccTransaction.update({
      where: { orderId: order.id },
      data: { deadline: new Date(Date.now() - 1000) },
    });
    return order;
  }

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
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
});
