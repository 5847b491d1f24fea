// Fills open orders against the quote book. An order fills in 1 to 3 executions spaced by a random delay; a limit order
// only fills while the market crosses its limit (re-checked on every quote tick). Everything here runs synchronously
// between awaits, so a cancel can never interleave with a half-made execution.
import type { BrokerExecution } from "@meridian/core/broker";
import { formatCents } from "./money";
import { isOpen, type SimOrder } from "./orderBook";
import type { QuoteBook } from "./quotes";
import { randomInt, type Random } from "./random";

export interface MatchingOptions {
  idPrefix: string;
  quotes: QuoteBook;
  random: Random;
  fillDelayMs: readonly [number, number];
  /** Called once per execution, in execution order; `last` when the order will produce no more executions. */
  onExecution: (execution: BrokerExecution, order: SimOrder, last: boolean) => void;
}

interface FillPlan {
  /** Quantities of the executions still to come. */
  chunks: number[];
  /** Earliest time of the next execution (ms since epoch). */
  notBefore: number;
  timer?: NodeJS.Timeout;
}

export class MatchingEngine {
  private readonly plans = new Map<SimOrder, FillPlan>();
  private execSequence = 0;

  constructor(private readonly options: MatchingOptions) {}

  /** Starts working a NEW order. */
  track(order: SimOrder): void {
    const plan: FillPlan = { chunks: splitQuantity(order.quantity, this.options.random), notBefore: 0 };
    this.plans.set(order, plan);
    this.waitBeforeNextFill(order, plan);
  }

  /** Stops working an order (cancel): no execution is produced for it after this returns. */
  untrack(order: SimOrder): void {
    const plan = this.plans.get(order);
    if (plan?.timer) clearTimeout(plan.timer);
    this.plans.delete(order);
  }

  /** Called after every quote tick: limit orders whose price has come may fill now. */
  onQuoteTick(): void {
    for (const order of [...this.plans.keys()]) this.tryFill(order);
  }

  stop(): void {
    for (const order of [...this.plans.keys()]) this.untrack(order);
  }

  private waitBeforeNextFill(order: SimOrder, plan: FillPlan): void {
    const [min, max] = this.options.fillDelayMs;
    const delay = randomInt(this.options.random, min, max);
    plan.notBefore = Date.now() + delay;
    plan.timer = setTimeout(() => {
      plan.timer = undefined;
      plan.notBefore = 0; // timers may fire a millisecond early; the wait is over either way
      this.tryFill(order);
    }, delay);
  }

  private tryFill(order: SimOrder): void {
    const plan = this.plans.get(order);
    if (!plan || plan.timer || Date.now() < plan.notBefore || !isOpen(order)) return;
    const priceCents = this.executablePrice(order);
    if (priceCents === null) return; // a limit order not crossed yet: the next tick tries again
    const quantity = plan.chunks.shift() ?? order.quantity - order.filledQuantity;
    const now = new Date();
    const execution: BrokerExecution = {
      execId: `${this.options.idPrefix}-X${String(++this.execSequence).padStart(8, "0")}`,
      clientOrderId: order.clientOrderId,
      brokerOrderId: order.brokerOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: String(quantity),
      price: formatCents(priceCents),
      executedAt: now.toISOString(),
    };
    order.executions.push(execution);
    order.filledQuantity += quantity;
    order.updatedAt = now;
    const last = order.filledQuantity >= order.quantity;
    order.status = last ? "FILLED" : "PARTIALLY_FILLED";
    if (last) this.plans.delete(order);
    else this.waitBeforeNextFill(order, plan);
    this.options.onExecution(execution, order, last);
  }

  /** Market BUY at the ask, SELL at the bid; a limit order only when that price is at or better than its limit. */
  private executablePrice(order: SimOrder): number | null {
    const { bidCents, askCents } = this.options.quotes.bidAsk(order.symbol);
    const priceCents = order.side === "BUY" ? askCents : bidCents;
    if (order.type === "MARKET" || order.limitCents === null) return priceCents;
    const crosses = order.side === "BUY" ? askCents <= order.limitCents : bidCents >= order.limitCents;
    return crosses ? priceCents : null;
  }
}

/** Splits a quantity into 1 to 3 whole, positive parts that sum to it exactly. */
export function splitQuantity(quantity: number, random: Random): number[] {
  const parts = Math.min(quantity, randomInt(random, 1, 3));
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(randomInt(random, 1, quantity - 1));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), quantity];
  return bounds.slice(1).map((bound, index) => bound - bounds[index]!);
}
