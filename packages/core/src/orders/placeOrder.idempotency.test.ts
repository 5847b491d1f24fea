// Idempotency keys are strict (as Stripe's are): the same key with the same order replays the stored order, before
// any quote is fetched; the same key with different terms is refused by name and changes nothing; two requests racing
// with one key end with one order.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountSnapshot, createHarness, type Harness } from "../../test/harness";
import { QuoteService } from "../market/quotes";
import type { AccountRef, CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import { placeOrder } from "./placeOrder";
import { ZPlaceOrderInput } from "./placeOrder.schema";

describe("placeOrder: idempotency keys", () => {
  let h: Harness;
  let alice: AccountRef;
  const place = (input: Record<string, unknown>, services: CoreServices = h.services) =>
    placeOrder({ ctx: { services, account: alice, actor: "test" }, input: ZPlaceOrderInput.parse(input) });

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
  });
  afterAll(async () => h?.close());

  it("refuses the same key with a different quantity, naming the key and what differs, and changes nothing", async () => {
    const idempotencyKey = randomUUID();
    await place({ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "100.00", idempotencyKey });
    const before = await accountSnapshot(h.services, alice.id);

    const error = await place({
      symbol: "AAPL",
      side: "BUY",
      type: "LIMIT",
      quantity: "3",
      limitPrice: "100.00",
      idempotencyKey,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("CONFLICT");
    expect((error as DomainError).message).toContain(idempotencyKey);
    expect((error as DomainError).message).toMatch(/quantity 2 .*not 3/);
    expect((error as DomainError).message).toContain("new key");
    expect(await accountSnapshot(h.services, alice.id)).toBe(before);
  });

  it.each([
    ["symbol", { symbol: "MSFT" }],
    ["side", { side: "SELL" }],
    ["type and limit price", { type: "MARKET", limitPrice: undefined }],
    ["limit price", { limitPrice: "101.00" }],
    ["fee payment", { payFeeWithPoints: true }],
  ])("refuses the same key with a different %s", async (_, change) => {
    const idempotencyKey = randomUUID();
    const first = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100.00", idempotencyKey };
    await place(first);
    const before = await accountSnapshot(h.services, alice.id);
    const error = await place({ ...first, ...change }).catch((caught: unknown) => caught);
    expect((error as DomainError).code).toBe("CONFLICT");
    expect(await accountSnapshot(h.services, alice.id)).toBe(before);
  });

  it("replays a market order by its key with the stored order while quotes are unavailable", async () => {
    const idempotencyKey = randomUUID();
    const input = { symbol: "NVDA", side: "BUY", type: "MARKET", quantity: "1", idempotencyKey };
    const first = await place(input);
    const before = await accountSnapshot(h.services, alice.id);
    // A fresh quote cache over a broker whose quotes fail: any attempt to price the order would be refused.
    const noQuotes = { ...h.services, quotes: new QuoteService(h.services.brokers) };
    const getQuotes = h.broker.getQuotes;
    h.broker.getQuotes = () => Promise.reject(new Error("quotes down"));
    try {
      const replay = await place(input, noQuotes);
      expect(replay).toMatchObject({ id: first.id, version: first.version, heldCash: first.heldCash });
    } finally {
      h.broker.getQuotes = getQuotes;
    }
    expect(await accountSnapshot(h.services, alice.id)).toBe(before);
  });

  it("ends with one order when two requests race with one key", async () => {
    const idempotencyKey = randomUUID();
    const input = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "90.00", idempotencyKey };
    const [first, second] = await Promise.all([place(input), place(input)]);
    expect(second.id).toBe(first.id);
    expect(await h.db.prisma.order.count({ where: { idempotencyKey } })).toBe(1);
  });
});
