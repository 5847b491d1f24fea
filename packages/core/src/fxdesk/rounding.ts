// The arithmetic of a won ↔ dollar conversion, in one place: the FX desk computes a conversion with it and Meridian
// re-checks the desk's numbers with the same functions, so the two can never disagree by a rounding. The customer's
// rule: the desk never gives more than the rate allows, and we never ask for less than the rate needs.
//   sell K won  → dollars at the ask: floor(K / ask) to the cent        buy Y dollars → won at the ask: ceil(Y × ask)
//   sell Y dollars → won at the bid:  floor(Y × bid) to the won          buy K won → dollars at the bid: ceil(K / bid)
// Won have no minor unit; dollars have cents. Rates are won per dollar. Decimals only, never floats.
import { Decimal, type DecimalLike } from "../shared/money";
import type { Currency, FxConversion, FxConversionRequest } from "./wire";

/** Decimal places of each currency's smallest unit. */
export const MINOR_DIGITS: Readonly<Record<Currency, number>> = { KRW: 0, USD: 2 };

/** The largest amount a conversion may carry on either side. */
export const MAX_AMOUNT: Readonly<Record<Currency, Decimal>> = {
  KRW: new Decimal("10000000000"),
  USD: new Decimal("10000000"),
};

/** A conversion's terms that no rate can make sense of: the desk answers 400 INVALID, we refuse before sending. */
export class FxAmountError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "FxAmountError";
  }
}

/** Why `amount` is no valid amount of `currency` (whole won, at most two decimals of a dollar, 0 < amount ≤ max). */
export function amountProblem(currency: Currency, amount: DecimalLike): string | null {
  let value: Decimal;
  try {
    value = new Decimal(amount);
  } catch {
    return `${String(amount)} is not a number`;
  }
  if (!value.isFinite()) return `${String(amount)} is not a number`;
  if (!value.greaterThan(0)) return `a ${currency} amount must be positive, got ${value.toString()}`;
  if (value.decimalPlaces() > MINOR_DIGITS[currency])
    return currency === "KRW"
      ? `won have no minor unit: ${value.toString()} KRW is not whole`
      : `dollars have cents: ${value.toString()} USD has more than two decimals`;
  if (value.greaterThan(MAX_AMOUNT[currency]))
    return `${value.toString()} ${currency} is above the largest conversion (${MAX_AMOUNT[currency].toString()} ${currency})`;
  return null;
}

/** The amount as a Decimal; throws FxAmountError when amountProblem finds one. */
export function parseAmount(currency: Currency, amount: DecimalLike): Decimal {
  const problem = amountProblem(currency, amount);
  if (problem) throw new FxAmountError(problem);
  return new Decimal(amount);
}

/** "1380" → "1380", "12.5" → "12.50": how each currency's amount is written on the wire. */
export function formatAmount(currency: Currency, amount: Decimal): string {
  return amount.toFixed(MINOR_DIGITS[currency]);
}

export interface ConversionTerms {
  sell: Currency;
  buy: Currency;
  /** Exactly one of sellAmount and buyAmount. */
  sellAmount?: DecimalLike;
  buyAmount?: DecimalLike;
  /** Won per dollar; the ask is used when dollars are bought, the bid when they are sold. */
  rate: { bid: DecimalLike; ask: DecimalLike };
}

export interface ConvertedAmounts {
  sellAmount: Decimal;
  buyAmount: Decimal;
  /** The side of the rate used. */
  rate: Decimal;
}

const CENT = new Decimal("0.01");

/**
 * Both sides of a conversion from one of them. Throws FxAmountError when the given amount is invalid, when the other
 * side rounds to nothing (too small to convert) or exceeds its currency's maximum.
 */
export function convertAmounts(terms: ConversionTerms): ConvertedAmounts {
  const { sell, buy } = terms;
  if (sell === buy) throw new FxAmountError(`cannot convert ${sell} into ${buy}`);
  if ((terms.sellAmount === undefined) === (terms.buyAmount === undefined))
    throw new FxAmountError("give exactly one of sellAmount and buyAmount");
  const bid = new Decimal(terms.rate.bid);
  const ask = new Decimal(terms.rate.ask);
  if (!(bid.isFinite() && ask.isFinite() && bid.greaterThan(0) && ask.greaterThanOrEqualTo(bid)))
    throw new FxAmountError(`not a usable rate: bid ${bid.toString()}, ask ${ask.toString()}`);

  const buyingDollars = buy === "USD";
  const rate = buyingDollars ? ask : bid;
  let sellAmount: Decimal;
  let buyAmount: Decimal;
  if (terms.sellAmount !== undefined) {
    sellAmount = parseAmount(sell, terms.sellAmount);
    buyAmount = buyingDollars ? dollarsFloor(sellAmount, rate) : sellAmount.times(rate).floor();
  } else {
    buyAmount = parseAmount(buy, terms.buyAmount!);
    sellAmount = buyingDollars ? buyAmount.times(rate).ceil() : dollarsCeil(buyAmount, rate);
  }
  // The computed side must be a valid amount too: 1 won buys no cent, and 10 million dollars cost more won than allowed.
  const computed =
    terms.sellAmount !== undefined ? { currency: buy, amount: buyAmount } : { currency: sell, amount: sellAmount };
  const problem = amountProblem(computed.currency, computed.amount);
  if (problem)
    throw new FxAmountError(`at ${rate.toFixed(2)} the other side is ${computed.amount.toString()}: ${problem}`);
  return { sellAmount, buyAmount, rate };
}

/**
 * The most dollars `won` pays for at `rate`: floor(won / rate) to the cent. The quotient is rounded once and then
 * corrected by exact multiplication, so the answer does not depend on the division's precision.
 */
function dollarsFloor(won: Decimal, rate: Decimal): Decimal {
  let dollars = won.dividedBy(rate).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  while (dollars.times(rate).greaterThan(won)) dollars = dollars.minus(CENT);
  while (dollars.plus(CENT).times(rate).lessThanOrEqualTo(won)) dollars = dollars.plus(CENT);
  return dollars;
}

/** The fewest dollars that buy `won` at `rate`: ceil(won / rate) to the cent, corrected like dollarsFloor. */
function dollarsCeil(won: Decimal, rate: Decimal): Decimal {
  let dollars = won.dividedBy(rate).toDecimalPlaces(2, Decimal.ROUND_UP);
  while (dollars.times(rate).lessThan(won)) dollars = dollars.plus(CENT);
  while (dollars.minus(CENT).times(rate).greaterThanOrEqualTo(won)) dollars = dollars.minus(CENT);
  return dollars;
}

/**
 * Meridian's check of a conversion the desk reports against what we asked: same currencies, the amount we gave
 * unchanged, and the other side exactly what the shared rounding makes of it at the rate the desk says it used.
 * null when it holds; otherwise what differs.
 */
export function conversionMismatch(request: FxConversionRequest, conversion: FxConversion): string | null {
  if (conversion.clientKey !== request.clientKey)
    return `the desk answered for key ${conversion.clientKey}, we asked ${request.clientKey}`;
  if (conversion.sell !== request.sell || conversion.buy !== request.buy)
    return `the desk converted ${conversion.sell}→${conversion.buy}, we asked ${request.sell}→${request.buy}`;
  let expected: ConvertedAmounts;
  try {
    expected = convertAmounts({
      sell: request.sell,
      buy: request.buy,
      sellAmount: request.sellAmount,
      buyAmount: request.buyAmount,
      rate: { bid: conversion.rate, ask: conversion.rate },
    });
  } catch (error) {
    return `the desk's numbers cannot be checked: ${(error as Error).message}`;
  }
  const sold = new Decimal(conversion.sellAmount);
  const bought = new Decimal(conversion.buyAmount);
  if (!sold.equals(expected.sellAmount) || !bought.equals(expected.buyAmount))
    return (
      `at ${conversion.rate} the desk should have converted ${formatAmount(request.sell, expected.sellAmount)} ` +
      `${request.sell} into ${formatAmount(request.buy, expected.buyAmount)} ${request.buy}, ` +
      `it says ${conversion.sellAmount} ${conversion.sell} into ${conversion.buyAmount} ${conversion.buy}`
    );
  return null;
}
