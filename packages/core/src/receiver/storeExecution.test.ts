// The receiver's store: a redelivered execution is a duplicate; a reused execution id with other terms is refused, and
// either way exactly one receipt and one outbox row exist for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import { DomainError } from "../shared/errors";
import type { ExecutionWebhook as TBrokerExecution } from "../broker/wire";
import { storeExecution } from "./storeExecution";

describe("storeExecution", () => {
  let h: Harness;
  let orderId: string;

  beforeAll(async () => {
    h = await createHarness();
    const alice = await h.account("alice@demo.meridian");
    const input = ZPlaceOrderInput.parse({
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "4",
      limitPrice: "100.00",
    });
    orderId = (await placeOrder({ ctx: { services: h.services, account: alice, actor: "test" }, input })).id;
  });
  afterAll(async () => h?.close());

  const execution = (overrides: Partial<TBrokerExecution> = {}): TBrokerExecution => ({
    execId: "EX-1",
    clientOrderId: orderId,
    brokerOrderId: "B-1",
    symbol: "MSFT",
    side: "BUY",
    quantity: "2",
    price: "99.50",
    executedAt: new Date().toISOString(),
    ...overrides,
  });
  const stored = async () => ({
    receipts: await h.db.prisma.executionReceipt.count({ where: { execId: "EX-1" } }),
    outbox: await h.db.prisma.outboxEvent.count({ where: { eventType: "ExecutionReceived", key: orderId } }),
  });

  it("stores once, answers a redelivery as a duplicate of the same receipt", async () => {
    const first = await storeExecution(h.db.prisma, "atlas", execution());
    expect(first.stored).toBe(true);
    // The same execution written with other decimals is the same execution.
    const again = await storeExecution(h.db.prisma, "atlas", execution({ quantity: "2.000", price: "99.5" }));
    expect(again).toEqual({ stored: false, duplicateOf: first.stored ? first.receiptId : "" });
    expect(await stored()).toEqual({ receipts: 1, outbox: 1 });
  });

  it("refuses an execution id reused with another quantity or price, and stores nothing new", async () => {
    for (const reused of [execution({ quantity: "1" }), execution({ price: "98.00" })]) {
      const refusal = await storeExecution(h.db.prisma, "atlas", reused).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(DomainError);
      expect((refusal as DomainError).code).toBe("CONFLICT");
      expect((refusal as DomainError).message).toMatch(/execution id EX-1 was already used for 2 @ 99\.5/);
    }
    expect(await stored()).toEqual({ receipts: 1, outbox: 1 });
  });
});
