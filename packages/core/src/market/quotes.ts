// Quotes come from the broker each symbol routes to (its fallback while the primary's are stale), through the broker
// adapter. They are served from memory and refreshed in the background (stale-while-revalidate), so a slow broker
// never makes a customer request wait: only a request that finds nothing fresh enough waits for a fetch, and at most
// FIRST_FETCH_WAIT_MS. Each broker's quotes keep their own age: a broker that stops answering goes stale on its own,
// and stale quotes never price an order.
import type { BrokerRegistry } from "../broker/registry";
import type { Quote } from "../broker/port";
import { dec } from "../shared/money";
import { INSTRUMENTS } from "./instruments";

export interface QuoteView extends Quote {
  brokerId: string;
  change: string;
  changePercent: string;
}

/** The longest a request waits for quotes when none are fresh enough. */
const FIRST_FETCH_WAIT_MS = 2000;

export class QuoteService {
  private readonly byBroker = new Map<string, { at: number; quotes: Quote[] }>();
  private lastFetchStartedAt = 0;
  private inFlight: Promise<void> | null = null;
  /** When the fetches started failing for every broker; null while any broker answers. */
  private failingSince: number | null = null;

  constructor(
    private readonly brokers: BrokerRegistry,
    /** Older than this, a refresh starts in the background. */
    private readonly refreshAfterMs = 1000,
    /** Older than this, a broker's quotes are not shown or used to price an order. */
    private readonly maxStaleMs = 30_000,
  ) {}

  async all(): Promise<QuoteView[]> {
    if (Date.now() - this.lastFetchStartedAt >= this.refreshAfterMs) this.refresh();
    if (!this.everyBrokerFresh()) {
      await Promise.race([this.inFlight, new Promise((resolve) => setTimeout(resolve, FIRST_FETCH_WAIT_MS).unref())]);
    }
    return this.views();
  }

  async forSymbol(symbol: string): Promise<QuoteView | null> {
    return (await this.all()).find((quote) => quote.symbol === symbol) ?? null;
  }

  /** Fetches now and waits for it (after any fetch already under way). */
  async refreshNow(): Promise<void> {
    await this.inFlight;
    this.refresh();
    await this.inFlight;
  }

  /**
   * How long no broker has answered for quotes, or null while one does (the entry circuit pauses the market past a
   * limit). Asking starts a refresh when one is due, so the answer follows the brokers, not the last visitor.
   */
  unavailableForMs(): number | null {
    if (Date.now() - this.lastFetchStartedAt >= this.refreshAfterMs) this.refresh();
    return this.failingSince === null ? null : Date.now() - this.failingSince;
  }

  private refresh(): void {
    if (this.inFlight) return;
    const startedAt = Date.now();
    this.lastFetchStartedAt = startedAt;
    this.inFlight = Promise.all(
      this.brokers.all().map(async (broker) => {
        const quotes = await broker.getQuotes(AbortSignal.timeout(10_000)).catch(() => null);
        if (quotes) this.byBroker.set(broker.brokerId, { at: Date.now(), quotes });
        return quotes !== null;
      }),
    ).then((answered) => {
      if (answered.some(Boolean)) this.failingSince = null;
      else this.failingSince ??= startedAt;
      this.inFlight = null;
    });
  }

  private fresh(brokerId: string): Quote[] | null {
    const entry = this.byBroker.get(brokerId);
    return entry && Date.now() - entry.at < this.maxStaleMs ? entry.quotes : null;
  }

  private everyBrokerFresh(): boolean {
    return this.brokers.all().every((broker) => this.fresh(broker.brokerId) !== null);
  }

  private views(): QuoteView[] {
    const views: QuoteView[] = [];
    for (const instrument of INSTRUMENTS) {
      // The first of the symbol's brokers (primary, then fallbacks) with a fresh quote: while the primary is down,
      // orders that go to the fallback are priced by the fallback's market.
      let brokerId = "";
      let quote: Quote | undefined;
      for (const candidateBroker of this.brokers.brokerIdsFor(instrument.symbol)) {
        quote = this.fresh(candidateBroker)?.find((candidate) => candidate.symbol === instrument.symbol);
        brokerId = candidateBroker;
        if (quote) break;
      }
      if (!quote) continue;
      const change = dec(quote.last).minus(quote.previousClose);
      const changePercent = dec(quote.previousClose).isZero()
        ? dec(0)
        : change.dividedBy(quote.previousClose).times(100);
      views.push({
        ...quote,
        name: instrument.name,
        brokerId,
        change: change.toFixed(2),
        changePercent: changePercent.toFixed(2),
      });
    }
    return views;
  }
}
