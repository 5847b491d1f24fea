// The order ticket estimates with the rate the server charges: with COMMISSION_RATE=0.002 the ticket's settings say
// 0.002, placeOrder holds commission at 0.002, and the fill is charged at 0.002.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import { submitOrder } from "../gateway/submitOrder";
import { storeExecution } from "../receiver/storeExecution";
import { applyExecution } from "../settlement/applyExecution";
import { placeOrder } from "./placeOrder";
import { ZPlaceOrderInput } from "./placeOrder.schema";

describe("ticket settings", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({ env: { COMMISSION_RATE: "0.002" } });
  });
  afterAll(async () => h?.close());

  it("gives the ticket the configured commission rate, and the server holds and charges that rate", async () => {
    const alice = await h.caller("alice@demo.meridian");
    expect(await alice.market.ticketSettings()).toEqual({ commissionRate: "0.002", marketBuyCollar: "0.05" });

    const account = await h.account("alice@demo.meridian");
    const order = await placeOrder({
      ctx: { services: h.services, account, actor: "test" },
      input: ZPlaceOrderInput.parse({
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        quantity: "10",
        limitPrice: "150.00",
      }),
    });
    // 1500.00 + commission 3.00 (0.2%) + half a cent per share for per-fill rounding.
    expect(order.heldCash.toFixed(2)).toBe("1503.05");

    await submitOrder({ services: h.services, retryPolicy: h.services.retryPolicy }, order.id);
    const stored = await storeExecution(h.db.prisma, "atlas", {
      execId: `E-${randomUUID()}`,
      clientOrderId: order.id,
      brokerOrderId: `B-${order.id}`,
      symbol: "AAPL",
      side: "BUY",
      quantity: "10",
      price: "150.00",
      executedAt: new Date().toISOString(),
    });
    if (!stored.stored) throw new Error("execution was a duplicate");
    expect(await applyExecution(h.services, stored.receiptId)).toBe("applied");
    const filled = await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    expect([filled.status, filled.feesPaid.toFixed(2), filled.heldCash.toFixed(2)]).toEqual(["FILLED", "3.00", "0.00"]);
  });

  it("refuses an unsigned caller before reading any setting", async () => {
    const anonymous = await h.caller(null);
    await expect(anonymous.market.ticketSettings()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
