// One partner broker: its quotes, orders, matching, webhook delivery, faults and counters. Nothing is shared between
// two brokers in the same process.
import type {
  BrokerCapabilities,
  BrokerOrderRequest,
  BrokerOrderView,
  CancelResult,
  SubmitResult,
} from "@meridian/core/broker";
import type { Logger } from "pino";
import type { BrokerDefinition } from "./brokers";
import { WebhookDelivery } from "./webhookDelivery";
import { BrokerCapacity } from "./capacity";
import { FaultState, type Faults } from "./faults";
import { MatchingEngine } from "./matching";
import { isOpen, OrderBook, rejectReasonFor, viewOf } from "./orderBook";
import { QuoteBook } from "./quotes";
import { chance, type Random } from "./random";
import { emptyStats, type BrokerStats } from "./stats";

export interface SimulatedBrokerOptions {
  definition: BrokerDefinition;
  receiverUrl: string;
  secret: string;
  fillDelayMs: readonly [number, number];
  quoteTickMs: number;
  logger: Logger;
  random?: Random;
}

export class SimulatedBroker {
  readonly brokerId: string;
  readonly capabilities: BrokerCapabilities;
  readonly faults = new FaultState();
  /** Order calls only: the partner routes consult it before anything else (see routes.ts). */
  readonly capacity = new BrokerCapacity();
  readonly quotes: QuoteBook;
  readonly stats: BrokerStats = emptyStats(this.capacity);
  private readonly orders: OrderBook;
  private readonly matching: MatchingEngine;
  private readonly delivery: WebhookDelivery;
  private readonly random: Random;
  private readonly logger: Logger;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly options: SimulatedBrokerOptions) {
    const { definition } = options;
    this.brokerId = definition.brokerId;
    this.capabilities = definition.capabilities;
    this.random = options.random ?? Math.random;
    this.logger = options.logger.child({ brokerId: this.brokerId });
    this.quotes = new QuoteBook(this.random);
    this.orders = new OrderBook(definition.idPrefix);
    this.delivery = new WebhookDelivery({
      brokerId: this.brokerId,
      receiverUrl: options.receiverUrl,
      secret: options.secret,
      faults: this.faults,
      stats: this.stats,
      random: this.random,
      logger: this.logger,
    });
    this.matching = new MatchingEngine({
      idPrefix: definition.idPrefix,
      quotes: this.quotes,
      random: this.random,
      fillDelayMs: options.fillDelayMs,
      onExecution: (execution, _order, last) => {
        this.logger.info(
          {
            execId: execution.execId,
            clientOrderId: execution.clientOrderId,
            quantity: execution.quantity,
            price: execution.price,
          },
          "execution",
        );
        this.delivery.enqueue(execution, last);
      },
    });
  }

  start(): void {
    this.ticker = setInterval(() => {
      this.quotes.tick();
      this.matching.onQuoteTick();
    }, this.options.quoteTickMs);
  }

  stop(): void {
    clearInterval(this.ticker);
    this.matching.stop();
    this.delivery.stop();
  }

  /** Back to rest: every fault switch off and the load measurements forgotten. Orders, counters and pins stay. */
  reset(): Readonly<Faults> {
    this.capacity.reset();
    return this.faults.reset();
  }

  /** Test hook: holds the price still at `lastCents`; limit orders it crosses may fill at once. */
  pinPrice(symbol: string, lastCents: number): void {
    this.quotes.pin(symbol, lastCents);
    this.matching.onQuoteTick();
  }

  unpinPrice(symbol: string): void {
    this.quotes.unpin(symbol);
  }

  /**
   * Idempotent by clientOrderId: a repeat makes nothing new. It answers the first result, with where the order stands
   * now (a repeat for an order the broker has since closed must not read as a fresh acceptance).
   */
  submit(request: BrokerOrderRequest): SubmitResult {
    const existing = this.orders.get(request.clientOrderId);
    if (existing) {
      this.stats.duplicateSubmits++;
      this.logger.info(
        { clientOrderId: request.clientOrderId, brokerOrderId: existing.brokerOrderId },
        "duplicate submit",
      );
      const { submitResult } = existing;
      return submitResult.outcome === "ACCEPTED"
        ? { ...submitResult, status: existing.status, filledQuantity: String(existing.filledQuantity) }
        : submitResult;
    }
    const rejectReason =
      rejectReasonFor(request, this.quotes) ??
      (chance(this.random, this.faults.current.rejectRate) ? "rejected by the broker (simulated reject)" : null);
    const order = this.orders.record(request, rejectReason);
    this.stats.ordersCreated++;
    if (rejectReason !== null) {
      this.stats.ordersRejected++;
      this.logger.info({ clientOrderId: order.clientOrderId, reason: rejectReason }, "order rejected");
    } else {
      this.logger.info(
        {
          clientOrderId: order.clientOrderId,
          brokerOrderId: order.brokerOrderId,
          symbol: order.symbol,
          side: order.side,
          type: order.type,
          quantity: order.quantity,
        },
        "order accepted",
      );
      this.matching.track(order);
    }
    return order.submitResult;
  }

  cancel(clientOrderId: string): CancelResult {
    const order = this.orders.get(clientOrderId);
    if (!order) return { outcome: "NOT_FOUND" };
    const filledQuantity = String(order.filledQuantity);
    if (!isOpen(order))
      return { outcome: "TOO_LATE", reason: `order is ${order.status}`, filledQuantity, status: order.status };
    // Order matters: stop matching first, so the quantity we answer is final.
    this.matching.untrack(order);
    order.status = "CANCELLED";
    order.updatedAt = new Date();
    this.delivery.orderDone(clientOrderId);
    this.logger.info({ clientOrderId, filledQuantity }, "order cancelled");
    return { outcome: "CANCELLED", brokerOrderId: order.brokerOrderId, filledQuantity };
  }

  lookup(clientOrderId: string): BrokerOrderView | null {
    const order = this.orders.get(clientOrderId);
    return order ? viewOf(order) : null;
  }

  report(since?: Date): BrokerOrderView[] {
    return this.orders.changedSince(since).map(viewOf);
  }

  /** For tests: resolves when every execution produced so far has been delivered, refused or given up on. */
  deliveriesIdle(): Promise<void> {
    return this.delivery.idle();
  }
}
