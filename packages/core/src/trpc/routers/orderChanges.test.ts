import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createHarness, type Harness } from "../../../test/harness";
import type { OrderChangeEvent } from "../../orders/feed";
import { placeOrder } from "../../orders/placeOrder";
import { ZPlaceOrderInput } from "../../orders/placeOrder.schema";
import type { AccountRef } from "../../services";
import type { Role } from "../context";
import { createCallerFactory } from "../init";
import { appRouter } from "../root";

describe("order-change subscriptions", () => {
  let h: Harness;
  let alice: AccountRef;
  let bob: AccountRef;

  const callerFor = async (email: string | null, role: Role, signal?: AbortSignal) => {
    const user = email ? await h.db.prisma.user.findUniqueOrThrow({ where: { email } }) : null;
    const session = { user: user ? { userId: user.id, role } : null, save: async () => {}, destroy: async () => {} };
    return createCallerFactory(appRouter)({ services: h.services, session }, { signal });
  };
  const place = (account: AccountRef, symbol: string) =>
    placeOrder({
      ctx: { services: h.services, account, actor: "test" },
      input: ZPlaceOrderInput.parse({ symbol, side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" }),
    });
  /** Reads a subscription's stream in the background until the signal aborts. */
  const drain = (stream: AsyncIterable<OrderChangeEvent>) => {
    const changes: OrderChangeEvent[] = [];
    const done = (async () => {
      for await (const change of stream) changes.push(change);
    })();
    return { changes, done };
  };

  beforeAll(async () => {
    h = await createHarness();
    [alice, bob] = await Promise.all([h.account("alice@demo.meridian"), h.account("bob@demo.meridian")]);
  });
  afterAll(async () => h?.close());

  it("orders.onChange yields only the signed-in customer's orders, and the operator's stream yields all", async () => {
    const abort = new AbortController();
    const customer = drain(await (await callerFor("alice@demo.meridian", "CUSTOMER", abort.signal)).orders.onChange());
    const operator = drain(
      await (await callerFor("ops@demo.meridian", "OPERATOR", abort.signal)).admin.orders.onChange(),
    );
    await h.services.orderFeed.whenStarted();

    const bobOrder = await place(bob, "TSLA");
    const aliceOrder = await place(alice, "AAPL");
    await vi.waitFor(
      () => expect(operator.changes.map((change) => change.orderId)).toEqual([bobOrder.id, aliceOrder.id]),
      { timeout: 5_000 },
    );
    await vi.waitFor(() => expect(customer.changes.length).toBeGreaterThan(0), { timeout: 5_000 });
    expect(customer.changes.map((change) => [change.orderId, change.accountId])).toEqual([[aliceOrder.id, alice.id]]);

    abort.abort();
    await Promise.all([customer.done, operator.done]);
    expect(h.services.orderFeed.subscriberCount).toBe(0);
  });

  it("refuses the operator stream to a customer and the customer stream to an operator, before subscribing", async () => {
    const customer = await callerFor("alice@demo.meridian", "CUSTOMER");
    const error = await customer.admin.orders.onChange().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");

    const operator = await callerFor("ops@demo.meridian", "OPERATOR");
    await expect(operator.orders.onChange()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const anonymous = await callerFor(null, "CUSTOMER");
    await expect(anonymous.orders.onChange()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(h.services.orderFeed.subscriberCount).toBe(0);
  });
});
