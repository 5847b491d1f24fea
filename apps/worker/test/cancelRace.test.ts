// A cancel that overtakes a slow submit. The submit timed out on our side but is still on its way to the broker (the
// link delivers it late); the customer cancels; the broker, asked to cancel, has no such order yet. Closing the order
// on that answer would leave the broker working an order we show as cancelled. The cancel must be asked again until
// the late submit can no longer arrive, so both sides end cancelled and the hold is released exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOrder, findLedgerViolations, type AccountRef } from "@meridian/core";
import { createFundedAccount } from "./accounts";
import { startSystem, waitUntil, type TestSystem } from "./system";

describe("a cancel racing a late submit", () => {
  let system: TestSystem;
  let account: AccountRef;

  beforeAll(async () => {
    // One attempt only, so no retry resubmits the order while the first request is still in flight.
    system = await startSystem({ brokerTimeoutMs: 400, maxAttempts: 1, lateArrivalMs: 4000 });
    account = await createFundedAccount(system.db.prisma, "RACE-1", { cash: "10000.00", points: "0", holdings: {} });
    await system.services.quotes.all();
  });
  afterAll(async () => system?.close());

  it("never leaves the broker working an order we closed", async () => {
    // The request reaches atlas's order book 2 s after it was sent; we give up after 0.4 s.
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ latencyMs: 2000 }) });
    const order = await system.place(account, {
      symbol: "AAPL",
      side: "BUY",
      type: "LIMIT",
      quantity: "3",
      limitPrice: "1.00",
    });
    await waitUntil(async () => (await status(order.id)) === "NEEDS_ATTENTION", 10_000, "the submit timed out");

    // The link is fast again: the cancel reaches the broker before the submit does.
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ latencyMs: 0 }) });
    await cancelOrder({ ctx: { services: system.services, account, actor: "test" }, input: { orderId: order.id } });
    await waitUntil(async () => (await status(order.id)) === "CANCELLED", 20_000, "the order is cancelled");

    // Whatever reached the broker is cancelled there too, and stays so once the late submit has surely landed.
    await waitUntil(
      async () => (await brokerOrder(order.id)) !== undefined,
      10_000,
      "the late submit reached the broker",
    );
    expect((await brokerOrder(order.id))?.status).toBe("CANCELLED");
    const events = await system.db.prisma.orderEvent.findMany({
      where: { orderId: order.id },
      orderBy: { id: "asc" },
      select: { kind: true },
    });
    expect(events.filter((event) => event.kind === "CANCELLED")).toHaveLength(1);

    const cash = await system.db.prisma.cashBalance.findFirstOrThrow({
      where: { accountId: account.id, currency: "USD" },
    });
    expect([cash.available.toFixed(2), cash.held.toFixed(2)]).toEqual(["10000.00", "0.00"]);
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });

  async function status(orderId: string) {
    return (await system.db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } }))
      .status;
  }

  async function brokerOrder(orderId: string) {
    const orders = (await (await system.broker("atlas", "/orders")).json()) as {
      clientOrderId: string;
      status: string;
    }[];
    return orders.find((candidate) => candidate.clientOrderId === orderId);
  }
});
