// A broker's quote book: a small random walk per symbol, or a price pinned by a test. Bid and ask sit a small spread
// either side of the last price.
import type { Quote } from "@meridian/core/broker";
import { formatCents } from "./money";
import type { Random } from "./random";

export interface Listing {
  symbol: string;
  name: string;
  priceCents: number;
}

export const LISTINGS: readonly Listing[] = [
  { symbol: "AAPL", name: "Apple Inc.", priceCents: 228_50 },
  { symbol: "MSFT", name: "Microsoft Corporation", priceCents: 415_20 },
  { symbol: "NVDA", name: "NVIDIA Corporation", priceCents: 135_40 },
  { symbol: "TSLA", name: "Tesla, Inc.", priceCents: 251_30 },
  { symbol: "AMZN", name: "Amazon.com, Inc.", priceCents: 195_80 },
  { symbol: "GOOGL", name: "Alphabet Inc. Class A", priceCents: 170_10 },
  { symbol: "META", name: "Meta Platforms, Inc.", priceCents: 580_60 },
  { symbol: "NFLX", name: "Netflix, Inc.", priceCents: 705_25 },
  { symbol: "AMD", name: "Advanced Micro Devices, Inc.", priceCents: 150_75 },
];

/** Largest move per tick, as a fraction of the price (0.15%). */
const MAX_STEP = 0.0015;
/** Half the bid/ask spread, as a fraction of the price (1 bp), never under one cent. */
const HALF_SPREAD = 0.0001;
const MIN_PRICE_CENTS = 100;

interface QuoteState {
  listing: Listing;
  lastCents: number;
  previousCloseCents: number;
  pinned: boolean;
  updatedAt: Date;
}

export interface BidAsk {
  bidCents: number;
  askCents: number;
}

export class QuoteBook {
  private readonly states = new Map<string, QuoteState>();

  constructor(
    private readonly random: Random,
    listings: readonly Listing[] = LISTINGS,
  ) {
    const now = new Date();
    for (const listing of listings) {
      this.states.set(listing.symbol, {
        listing,
        lastCents: listing.priceCents,
        previousCloseCents: listing.priceCents,
        pinned: false,
        updatedAt: now,
      });
    }
  }

  has(symbol: string): boolean {
    return this.states.has(symbol);
  }

  bidAsk(symbol: string): BidAsk {
    const { lastCents } = this.state(symbol);
    const half = Math.max(1, Math.round(lastCents * HALF_SPREAD));
    return { bidCents: Math.max(1, lastCents - half), askCents: lastCents + half };
  }

  all(): Quote[] {
    return [...this.states.keys()].map((symbol) => this.quote(symbol));
  }

  quote(symbol: string): Quote {
    const state = this.state(symbol);
    const { bidCents, askCents } = this.bidAsk(symbol);
    return {
      symbol,
      name: state.listing.name,
      bid: formatCents(bidCents),
      ask: formatCents(askCents),
      last: formatCents(state.lastCents),
      previousClose: formatCents(state.previousCloseCents),
      timestamp: state.updatedAt.toISOString(),
    };
  }

  /** One step of the random walk for every symbol not pinned. */
  tick(): void {
    const now = new Date();
    for (const state of this.states.values()) {
      if (state.pinned) continue;
      const step = Math.round(state.lastCents * MAX_STEP * (this.random() * 2 - 1));
      state.lastCents = Math.max(MIN_PRICE_CENTS, state.lastCents + step);
      state.updatedAt = now;
    }
  }

  /** Holds the last price still (no random walk) until unpinned: a test hook to make a limit order cross. */
  pin(symbol: string, lastCents: number): void {
    const state = this.state(symbol);
    state.lastCents = lastCents;
    state.pinned = true;
    state.updatedAt = new Date();
  }

  unpin(symbol: string): void {
    this.state(symbol).pinned = false;
  }

  private state(symbol: string): QuoteState {
    const state = this.states.get(symbol);
    if (!state) throw new Error(`unknown symbol ${symbol}`);
    return state;
  }
}
