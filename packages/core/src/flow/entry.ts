// Where a new order goes, and whether it may enter at all (Toss Bank's fallback institution and entry circuit):
// - each symbol has brokers in order of preference (BROKER_ROUTING); a new order goes to the first one available;
// - while the primary's breaker is half-open, a share of new orders (BROKER_FALLBACK_PERCENT) goes to the next one,
//   so the primary's trial calls decide its fate without every order waiting on them;
// - while it is open or forced open, every new order goes to the next one;
// - when none can take it, the symbol is closed for entry: placement is refused, nothing is written;
// - when no quotes have come from any broker for MARKET_PAUSE_AFTER_MS, the whole market is closed for entry.
// The choice is made once, when the order is placed: an order never moves to another broker after that, so a call
// whose outcome is unknown is only ever resolved with the broker that got it (a double execution at two brokers is
// the one thing worse than a delay).
import type { BrokerRegistry } from "../broker/registry";
import { DomainError } from "../shared/errors";
import type { CircuitCache, CircuitRow } from "./circuits";

/** A broker as new orders see it. "half-open": it is taking trial calls; "trial due": its wait in open is over. */
export type Availability = "available" | "half-open" | "unavailable";

export interface BrokerChoice {
  brokerId: string;
  /** Why not the primary, for the order's timeline; null when it is the primary. */
  reason: string | null;
}

export interface SymbolEntry {
  symbol: string;
  open: boolean;
  /** Where its new orders go now; null when closed. */
  brokerId: string | null;
  inFallback: boolean;
  /** For a customer: why it is paused. */
  message: string | null;
}

export interface EntryView {
  market: { open: boolean; message: string | null };
  symbols: SymbolEntry[];
}

export interface EntrySettings {
  fallbackPercent: number;
  waitInOpenMs: number;
  marketPauseAfterMs: number;
}

/** How a broker's breaker, as mirrored in broker_circuits, treats new orders now. */
export function availabilityOf(circuit: CircuitRow | undefined, waitInOpenMs: number, now = Date.now()): Availability {
  if (!circuit) return "available";
  if (circuit.forced === "open") return "unavailable";
  if (circuit.forced === "closed" || circuit.state === "closed") return "available";
  if (circuit.state === "half-open") return "half-open";
  // Open, but its wait is over: the next call to it is a trial (the breaker moves to half-open on that call). Treated
  // as half-open, so that some new orders make that call — otherwise a broker nobody calls would stay open forever.
  return now - circuit.stateSince.getTime() >= waitInOpenMs ? "half-open" : "unavailable";
}

export function symbolPausedMessage(symbol: string): string {
  return `${symbol} trading is paused: our partner broker is not responding. Your existing orders are safe. We reopen it as soon as the broker answers again; try again in a few minutes.`;
}

export const MARKET_PAUSED_MESSAGE =
  "Trading is paused: we have had no market prices from our partner brokers for a while. Your existing orders are safe. Try again in a few minutes.";

/** The entry circuit of one process: broker_circuits from flow control's cache, the quotes' age from QuoteService. */
export class EntryCircuit {
  constructor(
    private readonly deps: {
      circuits: CircuitCache;
      brokers: BrokerRegistry;
      /** How long no broker has given quotes (market/quotes.ts), or null while they come. */
      quotes: { unavailableForMs(): number | null };
      settings: EntrySettings;
      random?: () => number;
    },
  ) {}

  /** The broker a new order for `symbol` goes to, or a refusal saying the symbol or the market is paused. */
  async choose(symbol: string): Promise<BrokerChoice> {
    if (this.marketPaused()) throw new DomainError("SERVICE_UNAVAILABLE", MARKET_PAUSED_MESSAGE);
    const choice = this.route(symbol, await this.deps.circuits.all(), this.deps.random ?? Math.random);
    if (!choice) throw new DomainError("SERVICE_UNAVAILABLE", symbolPausedMessage(symbol), "symbol");
    return choice;
  }

  /** What the order ticket shows: the market and each symbol, open or paused, and where orders go. */
  async view(symbols: string[]): Promise<EntryView> {
    const circuits = await this.deps.circuits.all();
    const marketPaused = this.marketPaused();
    return {
      market: { open: !marketPaused, message: marketPaused ? MARKET_PAUSED_MESSAGE : null },
      symbols: symbols.map((symbol) => {
        const choice = this.route(symbol, circuits, () => 1); // the preferred available broker, no coin toss
        return {
          symbol,
          open: choice !== null,
          brokerId: choice?.brokerId ?? null,
          inFallback: choice !== null && choice.reason !== null,
          message: choice ? null : symbolPausedMessage(symbol),
        };
      }),
    };
  }

  private route(symbol: string, circuits: Map<string, CircuitRow>, random: () => number): BrokerChoice | null {
    const brokerIds = this.deps.brokers.brokerIdsFor(symbol);
    const { waitInOpenMs, fallbackPercent } = this.deps.settings;
    const passedOver: string[] = [];
    for (const [index, brokerId] of brokerIds.entries()) {
      const availability = availabilityOf(circuits.get(brokerId), waitInOpenMs);
      const hasNext = index < brokerIds.length - 1;
      const shareToNext = availability === "half-open" && hasNext && random() * 100 < fallbackPercent;
      if (availability === "available" || (availability === "half-open" && !shareToNext)) {
        return { brokerId, reason: passedOver.length === 0 ? null : `${passedOver.join("; ")}: sent to ${brokerId}` };
      }
      passedOver.push(
        `${brokerId} ${availability === "half-open" ? "is recovering (half-open)" : "is not responding (breaker open)"}`,
      );
    }
    return null;
  }

  private marketPaused(): boolean {
    const unavailableFor = this.deps.quotes.unavailableForMs();
    return unavailableFor !== null && unavailableFor >= this.deps.settings.marketPauseAfterMs;
  }
}
