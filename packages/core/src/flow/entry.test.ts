// Where new orders go as brokers' breakers move, and when a symbol or the market closes for entry: the routing rules
// of flow/entry.ts against broker_circuits rows as the gateways leave them, and placeOrder refusing a paused symbol
// with the customer's message and nothing written.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accountSnapshot, createHarness, ScriptedBroker, type Harness } from "../../test/harness";
import { BrokerRegistry, parseBrokerRouting } from "../broker/registry";
import { DomainError } from "../shared/errors";
import { CircuitCache } from "./circuits";
import { EntryCircuit, MARKET_PAUSED_MESSAGE, symbolPausedMessage, type EntrySettings } from "./entry";

const SETTINGS: EntrySettings = { fallbackPercent: 50, waitInOpenMs: 5000, marketPauseAfterMs: 60_000 };

describe("entry circuit", () => {
  let h: Harness;
  let quotesDownFor: number | null;
  let coin: number;
  let entry: EntryCircuit;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await h.db.prisma.brokerCircuit.deleteMany();
    quotesDownFor = null;
    coin = 0.9;
    entry = new EntryCircuit({
      circuits: new CircuitCache(h.db.prisma, -1), // no cache: each read sees the rows the test just wrote
      brokers: new BrokerRegistry(
        [new ScriptedBroker("atlas"), new ScriptedBroker("harbor")],
        parseBrokerRouting("AAPL=atlas/harbor,MSFT=atlas,TSLA=harbor/atlas"),
      ),
      quotes: { unavailableForMs: () => quotesDownFor },
      settings: SETTINGS,
      random: () => coin,
    });
  });

  async function breaker(brokerId: string, state: string, sinceMsAgo = 0, forced: string | null = null) {
    const row = { state, stateSince: new Date(Date.now() - sinceMsAgo), forcedState: forced };
    await h.db.prisma.brokerCircuit.upsert({ where: { brokerId }, create: { brokerId, ...row }, update: row });
  }

  async function refusal(symbol: string): Promise<DomainError> {
    const error = await entry.choose(symbol).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  it("sends new orders to the primary while its breaker is closed", async () => {
    expect(await entry.choose("AAPL")).toEqual({ brokerId: "atlas", reason: null });
    expect(await entry.choose("TSLA")).toEqual({ brokerId: "harbor", reason: null });
  });

  it("sends every new order to the fallback while the primary is open, and says why", async () => {
    await breaker("atlas", "open");
    const choice = await entry.choose("AAPL");
    expect(choice.brokerId).toBe("harbor");
    expect(choice.reason).toContain("atlas is not responding");
  });

  it("while the primary is half-open, sends the configured share to the fallback and the rest to the primary", async () => {
    await breaker("atlas", "half-open");
    coin = 0.2; // under 50 %: this one goes to the fallback
    expect((await entry.choose("AAPL")).brokerId).toBe("harbor");
    coin = 0.7;
    expect(await entry.choose("AAPL")).toEqual({ brokerId: "atlas", reason: null });
  });

  it("treats an open breaker whose wait is over as half-open, so some new orders make the trial call", async () => {
    await breaker("atlas", "open", SETTINGS.waitInOpenMs + 1);
    coin = 0.7;
    expect((await entry.choose("AAPL")).brokerId).toBe("atlas");
    // With no fallback, such a symbol is open: its orders wait for the trial rather than being refused.
    expect((await entry.choose("MSFT")).brokerId).toBe("atlas");
  });

  it("closes a symbol with no broker available, and reopens it when a breaker closes", async () => {
    await breaker("atlas", "open");
    const closed = await refusal("MSFT");
    expect(closed.code).toBe("SERVICE_UNAVAILABLE");
    expect(closed.message).toBe(symbolPausedMessage("MSFT"));
    expect(closed.message).toContain("MSFT trading is paused: our partner broker is not responding.");
    expect(closed.message).toContain("Your existing orders are safe.");

    await breaker("harbor", "closed", 0, "open"); // the fallback forced open by an operator
    await refusal("AAPL");
    const view = await entry.view(["AAPL", "MSFT", "TSLA"]);
    expect(view.symbols.map((symbol) => [symbol.symbol, symbol.open, symbol.brokerId])).toEqual([
      ["AAPL", false, null],
      ["MSFT", false, null],
      ["TSLA", false, null],
    ]);

    await breaker("atlas", "closed");
    expect((await entry.choose("MSFT")).brokerId).toBe("atlas");
    expect((await entry.view(["TSLA"])).symbols[0]).toMatchObject({ open: true, brokerId: "atlas", inFallback: true });
  });

  it("a breaker forced closed takes orders whatever its state", async () => {
    await breaker("atlas", "open", 0, "closed");
    expect(await entry.choose("MSFT")).toEqual({ brokerId: "atlas", reason: null });
  });

  it("closes the whole market when no broker has given quotes for too long", async () => {
    quotesDownFor = SETTINGS.marketPauseAfterMs - 1;
    expect((await entry.choose("AAPL")).brokerId).toBe("atlas");
    quotesDownFor = SETTINGS.marketPauseAfterMs;
    expect((await refusal("AAPL")).message).toBe(MARKET_PAUSED_MESSAGE);
    expect((await entry.view(["AAPL"])).market).toEqual({ open: false, message: MARKET_PAUSED_MESSAGE });
  });
});

describe("placing an order for a paused symbol", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it("is refused with the customer's message, and nothing is written", async () => {
    // The harness routes every symbol to atlas alone: forced open, nothing can take AAPL.
    await h.db.prisma.brokerCircuit.create({ data: { brokerId: "atlas", forcedState: "open" } });
    const alice = await h.account("alice@demo.meridian");
    const before = await accountSnapshot(h.services, alice.id);
    const customer = await h.caller("alice@demo.meridian");
    await expect(
      customer.orders.place({ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" }),
    ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE", message: symbolPausedMessage("AAPL") });
    expect(await accountSnapshot(h.services, alice.id)).toBe(before);
    expect(await customer.market.entry()).toMatchObject({
      market: { open: true },
      symbols: expect.arrayContaining([expect.objectContaining({ symbol: "AAPL", open: false })]),
    });
  });
});
