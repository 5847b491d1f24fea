// The conversion arithmetic, exhaustively: the four directions against worked examples, the validators at their
// edges, and properties over random amounts and rates — the desk never gives more than the rate allows, we never ask
// for less than it needs, each rounding is as tight as a cent (or a won) allows, and a round trip never makes money.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../shared/money";
import { amountProblem, conversionMismatch, convertAmounts, FxAmountError, MAX_AMOUNT, parseAmount } from "./rounding";
import type { FxConversion } from "./wire";

const RATE = { bid: "1373.10", ask: "1386.90" };

function convert(terms: Omit<Parameters<typeof convertAmounts>[0], "rate">, rate = RATE) {
  const result = convertAmounts({ ...terms, rate });
  return {
    sellAmount: result.sellAmount.toString(),
    buyAmount: result.buyAmount.toString(),
    rate: result.rate.toFixed(2),
  };
}

describe("convertAmounts, worked examples", () => {
  it("sells won for dollars at the ask, flooring to the cent", () => {
    // 1,000,000 / 1386.90 = 721.032518...
    expect(convert({ sell: "KRW", buy: "USD", sellAmount: "1000000" })).toEqual({
      sellAmount: "1000000",
      buyAmount: "721.03",
      rate: "1386.90",
    });
  });

  it("buys dollars with won at the ask, ceiling to the won", () => {
    // 721.03 × 1386.90 = 999,996.507 → 999,997
    expect(convert({ sell: "KRW", buy: "USD", buyAmount: "721.03" })).toEqual({
      sellAmount: "999997",
      buyAmount: "721.03",
      rate: "1386.90",
    });
  });

  it("sells dollars for won at the bid, flooring to the won", () => {
    // 100.55 × 1373.10 = 138,065.205 → 138,065
    expect(convert({ sell: "USD", buy: "KRW", sellAmount: "100.55" })).toEqual({
      sellAmount: "100.55",
      buyAmount: "138065",
      rate: "1373.10",
    });
  });

  it("buys won with dollars at the bid, ceiling to the cent", () => {
    // 138,066 / 1373.10 = 100.5505...
    expect(convert({ sell: "USD", buy: "KRW", buyAmount: "138066" })).toEqual({
      sellAmount: "100.56",
      buyAmount: "138066",
      rate: "1373.10",
    });
  });

  it("is exact where the division is: nothing to round, nothing rounded", () => {
    expect(convert({ sell: "KRW", buy: "USD", sellAmount: "138690" })).toMatchObject({ buyAmount: "100" });
    expect(convert({ sell: "KRW", buy: "USD", buyAmount: "100" })).toMatchObject({ sellAmount: "138690" });
    expect(convert({ sell: "USD", buy: "KRW", buyAmount: "137310" })).toMatchObject({ sellAmount: "100" });
    expect(convert({ sell: "USD", buy: "KRW", sellAmount: "100" })).toMatchObject({ buyAmount: "137310" });
  });

  it("refuses a conversion whose other side rounds to nothing or exceeds the maximum", () => {
    // 13 won buy less than a cent at 1386.90.
    expect(() => convertAmounts({ sell: "KRW", buy: "USD", sellAmount: "13", rate: RATE })).toThrow(FxAmountError);
    expect(convert({ sell: "KRW", buy: "USD", sellAmount: "14" })).toMatchObject({ buyAmount: "0.01" });
    // A cent sold brings 13.731 won: 13 won. Nothing below a won comes back at all.
    expect(convert({ sell: "USD", buy: "KRW", sellAmount: "0.01" })).toMatchObject({ buyAmount: "13" });
    // Ten million dollars cost ~13.9 billion won: above the won maximum.
    expect(() => convertAmounts({ sell: "KRW", buy: "USD", buyAmount: "10000000", rate: RATE })).toThrow(/above/);
  });

  it("refuses malformed terms", () => {
    const bad = [
      { sell: "KRW", buy: "KRW", sellAmount: "1000" },
      { sell: "KRW", buy: "USD" },
      { sell: "KRW", buy: "USD", sellAmount: "1000", buyAmount: "1" },
      { sell: "KRW", buy: "USD", sellAmount: "1000.5" },
      { sell: "USD", buy: "KRW", sellAmount: "1.001" },
      { sell: "USD", buy: "KRW", sellAmount: "0" },
      { sell: "USD", buy: "KRW", sellAmount: "-5" },
      { sell: "USD", buy: "KRW", sellAmount: "abc" },
    ] as const;
    for (const terms of bad)
      expect(() => convertAmounts({ ...terms, rate: RATE }), JSON.stringify(terms)).toThrow(FxAmountError);
    for (const rate of [
      { bid: "0", ask: "1" },
      { bid: "1386.90", ask: "1373.10" },
      { bid: "NaN", ask: "1" },
    ])
      expect(() => convertAmounts({ sell: "KRW", buy: "USD", sellAmount: "1000", rate })).toThrow(/rate/);
  });
});

describe("the amount validators", () => {
  it("take whole won and dollars with at most cents, positive, up to the maximum", () => {
    expect(amountProblem("KRW", "1")).toBeNull();
    expect(amountProblem("KRW", "10000000000")).toBeNull();
    expect(amountProblem("KRW", "10000000001")).toMatch(/above/);
    expect(amountProblem("KRW", "1.5")).toMatch(/whole/);
    expect(amountProblem("KRW", "1.0")).toBeNull(); // the same number as 1: whole
    expect(amountProblem("USD", "0.01")).toBeNull();
    expect(amountProblem("USD", "10000000")).toBeNull();
    expect(amountProblem("USD", "10000000.01")).toMatch(/above/);
    expect(amountProblem("USD", "0.001")).toMatch(/two decimals/);
    expect(amountProblem("USD", "0")).toMatch(/positive/);
    expect(amountProblem("USD", "-1")).toMatch(/positive/);
    expect(amountProblem("USD", "Infinity")).toMatch(/not a number/);
    expect(amountProblem("USD", "1e2")).toBeNull(); // decimal.js reads it; the wire schema refuses the notation
    expect(() => parseAmount("KRW", "x")).toThrow(FxAmountError);
    expect(parseAmount("USD", "12.50").toString()).toBe("12.5");
  });
});

// Rates in cents of a won around today's level, bid ≤ ask; amounts as whole minor units.
const arbitraryRate = fc
  .record({ midCents: fc.integer({ min: 50_000, max: 300_000 }), spreadCents: fc.integer({ min: 0, max: 3_000 }) })
  .map(({ midCents, spreadCents }) => ({
    bid: new Decimal(midCents).dividedBy(100),
    ask: new Decimal(midCents + spreadCents).dividedBy(100),
  }));
const arbitraryWon = fc.integer({ min: 1, max: 10_000_000_000 }).map((won) => new Decimal(won));
const arbitraryDollars = fc.integer({ min: 1, max: 1_000_000_000 }).map((cents) => new Decimal(cents).dividedBy(100));
const CENT = new Decimal("0.01");

/** convertAmounts, or null where it refuses (too small, too large): properties hold for what it converts. */
function tryConvert(terms: Parameters<typeof convertAmounts>[0]) {
  try {
    return convertAmounts(terms);
  } catch (error) {
    if (error instanceof FxAmountError) return null;
    throw error;
  }
}

describe("convertAmounts, properties", () => {
  it("never gives more than the rate allows, and gives all it allows (sell won, sell dollars)", () => {
    fc.assert(
      fc.property(arbitraryRate, arbitraryWon, (rate, won) => {
        const result = tryConvert({ sell: "KRW", buy: "USD", sellAmount: won, rate });
        if (!result) return;
        expect(result.buyAmount.times(rate.ask).lessThanOrEqualTo(won)).toBe(true);
        expect(result.buyAmount.plus(CENT).times(rate.ask).greaterThan(won)).toBe(true);
        expect(result.buyAmount.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
    fc.assert(
      fc.property(arbitraryRate, arbitraryDollars, (rate, dollars) => {
        const result = tryConvert({ sell: "USD", buy: "KRW", sellAmount: dollars, rate });
        if (!result) return;
        expect(result.buyAmount.lessThanOrEqualTo(dollars.times(rate.bid))).toBe(true);
        expect(result.buyAmount.plus(1).greaterThan(dollars.times(rate.bid))).toBe(true);
        expect(result.buyAmount.isInteger()).toBe(true);
      }),
    );
  });

  it("never asks for less than the rate needs, and no more (buy dollars, buy won)", () => {
    fc.assert(
      fc.property(arbitraryRate, arbitraryDollars, (rate, dollars) => {
        const result = tryConvert({ sell: "KRW", buy: "USD", buyAmount: dollars, rate });
        if (!result) return;
        expect(result.sellAmount.greaterThanOrEqualTo(dollars.times(rate.ask))).toBe(true);
        expect(result.sellAmount.minus(1).lessThan(dollars.times(rate.ask))).toBe(true);
        expect(result.sellAmount.isInteger()).toBe(true);
      }),
    );
    fc.assert(
      fc.property(arbitraryRate, arbitraryWon, (rate, won) => {
        const result = tryConvert({ sell: "USD", buy: "KRW", buyAmount: won, rate });
        if (!result) return;
        expect(result.sellAmount.times(rate.bid).greaterThanOrEqualTo(won)).toBe(true);
        expect(result.sellAmount.minus(CENT).times(rate.bid).lessThan(won)).toBe(true);
        expect(result.sellAmount.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
  });

  it("a round trip at one rate never creates money, in either direction and either way of asking", () => {
    fc.assert(
      fc.property(arbitraryRate, arbitraryWon, (rate, won) => {
        const out = tryConvert({ sell: "KRW", buy: "USD", sellAmount: won, rate });
        if (!out) return;
        const back = tryConvert({ sell: "USD", buy: "KRW", sellAmount: out.buyAmount, rate });
        if (back) expect(back.buyAmount.lessThanOrEqualTo(won)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(arbitraryRate, arbitraryDollars, (rate, dollars) => {
        const out = tryConvert({ sell: "USD", buy: "KRW", sellAmount: dollars, rate });
        if (!out) return;
        const back = tryConvert({ sell: "KRW", buy: "USD", sellAmount: out.buyAmount, rate });
        if (back) expect(back.buyAmount.lessThanOrEqualTo(dollars)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(arbitraryRate, arbitraryDollars, (rate, dollars) => {
        // Buy dollars, then buy back the won they cost: the dollars that takes are never fewer than were bought.
        const out = tryConvert({ sell: "KRW", buy: "USD", buyAmount: dollars, rate });
        if (!out) return;
        const back = tryConvert({ sell: "USD", buy: "KRW", buyAmount: out.sellAmount, rate });
        if (back) expect(back.sellAmount.greaterThanOrEqualTo(dollars)).toBe(true);
      }),
    );
  });

  it("asking for the amount a conversion gave costs no more than that conversion took", () => {
    fc.assert(
      fc.property(arbitraryRate, arbitraryWon, (rate, won) => {
        const given = tryConvert({ sell: "KRW", buy: "USD", sellAmount: won, rate });
        if (!given) return;
        const asked = convertAmounts({ sell: "KRW", buy: "USD", buyAmount: given.buyAmount, rate });
        expect(asked.sellAmount.lessThanOrEqualTo(won)).toBe(true);
      }),
    );
  });

  it("keeps both sides within the maxima", () => {
    fc.assert(
      fc.property(arbitraryRate, arbitraryDollars, (rate, dollars) => {
        const result = tryConvert({ sell: "KRW", buy: "USD", buyAmount: dollars, rate });
        if (!result) return;
        expect(result.sellAmount.lessThanOrEqualTo(MAX_AMOUNT.KRW)).toBe(true);
      }),
    );
  });
});

describe("conversionMismatch: Meridian's check of the desk's numbers", () => {
  const request = { clientKey: "k-1", sell: "KRW", buy: "USD", sellAmount: "1000000" } as const;
  const conversion: FxConversion = {
    conversionId: "fx-1",
    clientKey: "k-1",
    quoteId: null,
    sell: "KRW",
    sellAmount: "1000000",
    buy: "USD",
    buyAmount: "721.03",
    rate: "1386.90",
    executedAt: new Date().toISOString(),
    reversesKey: null,
    reversedByKey: null,
  };

  it("accepts the desk's numbers when the shared rounding gives the same", () => {
    expect(conversionMismatch(request, conversion)).toBeNull();
  });

  it("names a cent too many, a changed amount, swapped currencies or another key", () => {
    expect(conversionMismatch(request, { ...conversion, buyAmount: "721.04" })).toMatch(/should have converted/);
    expect(conversionMismatch(request, { ...conversion, sellAmount: "1000001" })).toMatch(/should have converted/);
    expect(conversionMismatch(request, { ...conversion, sell: "USD", buy: "KRW" })).toMatch(/we asked KRW→USD/);
    expect(conversionMismatch(request, { ...conversion, clientKey: "k-2" })).toMatch(/key/);
  });
});
