// Quotes come from the broker each symbol routes to, through the broker adapter. They are served from memory and
// refreshed in the background (stale-while-revalidate), so a slow broker never makes a customer request wait: only a
// request that finds nothing fresh enough waits for a fetch, and at most FIRST_FETCH_WAIT_MS. Each broker's quotes
// keep their own age: a broker that stops answering goes stale on its own, and stale quotes never price an order.
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

  private refresh(): void {
    if (this.inFlight) return;
    this.lastFetchStartedAt = Date.now();
    this.inFlight = Promise.all(
      this.brokers.all().map(async (broker) => {
        const quotes = await broker.getQuotes(AbortSignal.timeout(10_000)).catch(() => null);
        if (quotes) this.byBroker.set(broker.brokerId, { at: Date.now(), quotes });
      }),
    ).then(() => {
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
      const brokerId = this.brokers.brokerFor(instrument.symbol).brokerId;
      const quote = this.fresh(brokerId)?.find((candidate) => candidate.symbol === instrument.symbol);
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
