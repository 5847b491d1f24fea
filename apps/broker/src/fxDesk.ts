// The simulated FX desk: the partner that converts won into dollars and back. Its mid rate walks a little around
// 1,380 KRW/USD, it quotes bid and ask 50 bp either side, holds a quote for a while, and converts idempotently by the
// client's key with the rounding Meridian re-checks it with (@meridian/core/fxdesk). It has fault switches of the
// brokers' shape and its own capacity, so flow control and the sagas can be rehearsed against it as against a broker.
import {
  convertAmounts,
  Decimal,
  FX_DESK_PARTNER_ID,
  formatAmount,
  FxAmountError,
  type Currency,
  type FxConversion,
  type FxConversionRequest,
  type FxDeskStats,
  type FxQuote,
  type FxRate,
  type FxRefusalCode,
} from "@meridian/core/fxdesk";
import type { Logger } from "pino";
import { BrokerCapacity } from "./capacity";
import { FaultState, type Faults } from "./faults";
import type { Random } from "./random";

/** Where the mid starts, and what the walk is pulled back towards. */
export const FX_MID_START = new Decimal("1380.00");
/** Largest move per tick, as a fraction of the mid (2 bp). */
const MAX_STEP = 0.0002;
/** The share of its distance from the start the mid drifts back each tick, so the walk stays near 1,380. */
const PULL_BACK = 0.01;
/** 50 bp either side of the mid. */
const HALF_SPREAD = new Decimal("0.005");

export interface SimulatedFxDeskOptions {
  /** How long a quote holds. Default 30 s. */
  quoteTtlMs?: number;
  logger: Logger;
  /** The walk's randomness: pass a seeded generator for a repeatable rate path. */
  random?: Random;
}

/** A definite refusal, answered as `{ error: code, message }` with `status`. */
export class FxRefusal extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: FxRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

interface Booked {
  conversion: FxConversion;
  /** The terms as asked, for telling a repeat from a conflicting reuse of the key; null for a reversal. */
  terms: FxConversionRequest | null;
}

export class SimulatedFxDesk {
  readonly partnerId = FX_DESK_PARTNER_ID;
  readonly faults = new FaultState();
  readonly capacity = new BrokerCapacity();
  readonly quoteTtlMs: number;
  private mid = FX_MID_START;
  private pinned = false;
  private updatedAt = new Date();
  private readonly quotes = new Map<string, FxQuote>();
  /** Conversions and reversals by client key (a reversal's is its reversalKey), in execution order. */
  private readonly booked = new Map<string, Booked>();
  private readonly counts = { conversions: 0, reversals: 0, duplicateRequests: 0, quotesIssued: 0 };
  private readonly sold: Record<Currency, Decimal> = { KRW: new Decimal(0), USD: new Decimal(0) };
  private readonly bought: Record<Currency, Decimal> = { KRW: new Decimal(0), USD: new Decimal(0) };
  private readonly random: Random;
  private readonly logger: Logger;
  private sequence = 0;

  constructor(options: SimulatedFxDeskOptions) {
    this.quoteTtlMs = options.quoteTtlMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.logger = options.logger.child({ partnerId: this.partnerId });
  }

  /** One step of the walk, unless a test pinned the mid. */
  tick(): void {
    if (this.pinned) return;
    const step = this.mid.times(MAX_STEP * (this.random() * 2 - 1));
    const pull = FX_MID_START.minus(this.mid).times(PULL_BACK);
    this.mid = this.mid.plus(step).plus(pull).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
    this.updatedAt = new Date();
  }

  /** Test hook: holds the mid at `mid` until unpinned. */
  pin(mid: Decimal): void {
    this.mid = mid.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
    this.pinned = true;
    this.updatedAt = new Date();
  }

  unpin(): void {
    this.pinned = false;
  }

  rate(): FxRate {
    const one = new Decimal(1);
    const bid = this.mid.times(one.minus(HALF_SPREAD)).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
    const ask = this.mid.times(one.plus(HALF_SPREAD)).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
    return {
      pair: "USDKRW",
      bid: bid.toFixed(2),
      ask: ask.toFixed(2),
      mid: this.mid.toFixed(2),
      at: this.updatedAt.toISOString(),
    };
  }

  quote(): FxQuote {
    const quote = {
      ...this.rate(),
      quoteId: `fxq-${++this.sequence}`,
      expiresAt: new Date(Date.now() + this.quoteTtlMs).toISOString(),
    };
    this.quotes.set(quote.quoteId, quote);
    this.counts.quotesIssued++;
    return quote;
  }

  findQuote(quoteId: string): FxQuote | null {
    return this.quotes.get(quoteId) ?? null;
  }

  /**
   * Idempotent by clientKey: the key is looked up before anything else (a quote, the rate, the amounts), so a repeat
   * of a conversion that was made answers it even after its quote expired, and never converts twice.
   */
  convert(request: FxConversionRequest, rejectAsBusiness: () => boolean): FxConversion {
    const existing = this.booked.get(request.clientKey);
    if (existing) {
      if (!existing.terms || !sameTerms(existing.terms, request))
        throw new FxRefusal(409, "KEY_CONFLICT", `clientKey ${request.clientKey} was used for other terms`);
      this.counts.duplicateRequests++;
      this.logger.info({ clientKey: request.clientKey }, "repeated conversion: answered with the one made");
      return existing.conversion;
    }
    let rate: { bid: string; ask: string } = this.rate();
    if (request.quoteId !== undefined) {
      const quote = this.quotes.get(request.quoteId);
      if (!quote) throw new FxRefusal(404, "QUOTE_UNKNOWN", `no quote ${request.quoteId}`);
      if (Date.now() > Date.parse(quote.expiresAt))
        throw new FxRefusal(409, "QUOTE_EXPIRED", `quote ${request.quoteId} expired at ${quote.expiresAt}`);
      rate = quote;
    }
    let amounts;
    try {
      amounts = convertAmounts({ ...request, rate });
    } catch (error) {
      if (error instanceof FxAmountError) throw new FxRefusal(400, "INVALID", error.message);
      throw error;
    }
    if (rejectAsBusiness()) throw new FxRefusal(400, "INVALID", "refused by the desk (simulated reject)");
    const conversion = this.book(
      {
        clientKey: request.clientKey,
        quoteId: request.quoteId ?? null,
        sell: request.sell,
        sellAmount: formatAmount(request.sell, amounts.sellAmount),
        buy: request.buy,
        buyAmount: formatAmount(request.buy, amounts.buyAmount),
        rate: amounts.rate.toFixed(2),
        reversesKey: null,
      },
      request,
    );
    this.counts.conversions++;
    return conversion;
  }

  lookup(clientKey: string): FxConversion | null {
    return this.booked.get(clientKey)?.conversion ?? null;
  }

  /** A new conversion swapping the sides at the original's rate and amounts; idempotent by reversalKey, once each. */
  reverse(clientKey: string, reversalKey: string): FxConversion {
    const original = this.booked.get(clientKey);
    if (!original) throw new FxRefusal(404, "NOT_FOUND", `no conversion with clientKey ${clientKey}`);
    const repeat = this.booked.get(reversalKey);
    if (repeat) {
      if (repeat.conversion.reversesKey !== clientKey)
        throw new FxRefusal(409, "KEY_CONFLICT", `reversalKey ${reversalKey} was used for another conversion`);
      this.counts.duplicateRequests++;
      return repeat.conversion;
    }
    const { conversion } = original;
    if (conversion.reversesKey !== null)
      throw new FxRefusal(409, "NOT_REVERSIBLE", `${clientKey} is itself a reversal (of ${conversion.reversesKey})`);
    if (conversion.reversedByKey !== null)
      throw new FxRefusal(409, "NOT_REVERSIBLE", `${clientKey} was already reversed by ${conversion.reversedByKey}`);
    const reversal = this.book(
      {
        clientKey: reversalKey,
        quoteId: null,
        sell: conversion.buy,
        sellAmount: conversion.buyAmount,
        buy: conversion.sell,
        buyAmount: conversion.sellAmount,
        rate: conversion.rate,
        reversesKey: clientKey,
      },
      null,
    );
    original.conversion = { ...conversion, reversedByKey: reversalKey };
    this.counts.reversals++;
    return reversal;
  }

  /** The daily report: every conversion and reversal executed at or after `since` (all of them without it). */
  report(since?: Date): FxConversion[] {
    const from = since?.getTime() ?? -Infinity;
    return [...this.booked.values()]
      .map((entry) => entry.conversion)
      .filter((conversion) => Date.parse(conversion.executedAt) >= from);
  }

  stats(): FxDeskStats {
    return {
      ...this.counts,
      sold: { KRW: this.sold.KRW.toFixed(0), USD: this.sold.USD.toFixed(2) },
      bought: { KRW: this.bought.KRW.toFixed(0), USD: this.bought.USD.toFixed(2) },
    };
  }

  /** Back to rest: every fault switch off and the load measurements forgotten. Conversions and counters stay. */
  reset(): Readonly<Faults> {
    this.capacity.reset();
    return this.faults.reset();
  }

  private book(
    fields: Omit<FxConversion, "conversionId" | "executedAt" | "reversedByKey">,
    terms: FxConversionRequest | null,
  ): FxConversion {
    const conversion: FxConversion = {
      ...fields,
      conversionId: `fx-${++this.sequence}`,
      executedAt: new Date().toISOString(),
      reversedByKey: null,
    };
    this.booked.set(conversion.clientKey, { conversion, terms });
    this.sold[conversion.sell] = this.sold[conversion.sell].plus(conversion.sellAmount);
    this.bought[conversion.buy] = this.bought[conversion.buy].plus(conversion.buyAmount);
    this.logger.info(
      {
        clientKey: conversion.clientKey,
        sell: `${conversion.sellAmount} ${conversion.sell}`,
        buy: `${conversion.buyAmount} ${conversion.buy}`,
        rate: conversion.rate,
        reverses: conversion.reversesKey,
      },
      conversion.reversesKey ? "reversal" : "conversion",
    );
    return conversion;
  }
}

/** The same terms: currencies, quote, and the amount given (by value: "1000" and "1000.00" are one amount). */
function sameTerms(a: FxConversionRequest, b: FxConversionRequest): boolean {
  return (
    a.sell === b.sell &&
    a.buy === b.buy &&
    (a.quoteId ?? null) === (b.quoteId ?? null) &&
    sameAmount(a.sellAmount, b.sellAmount) &&
    sameAmount(a.buyAmount, b.buyAmount)
  );
}

function sameAmount(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return new Decimal(a).equals(b);
}
