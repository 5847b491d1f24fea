// A broker adapter behind its flow control (flow/partnerGuard.ts: levers, adaptive pool, shared rate limit, shared
// breaker, metrics and broker_calls). Order calls go through the guard with the order id as their key; quotes and the
// daily report bypass it, as they always did.
import {
  type BrokerAdapter,
  type BrokerOrderRequest,
  type BrokerOrderView,
  type CancelResult,
  type Quote,
  type SubmitResult,
} from "../broker/port";
import type { PartnerGuard } from "./partnerGuard";

export class FlowControlledBroker implements BrokerAdapter {
  constructor(
    private readonly inner: BrokerAdapter,
    private readonly guard: PartnerGuard,
  ) {}

  get brokerId() {
    return this.inner.brokerId;
  }
  get capabilities() {
    return this.inner.capabilities;
  }

  submitOrder(request: BrokerOrderRequest, signal?: AbortSignal): Promise<SubmitResult> {
    return this.guard.call(
      "submit",
      request.clientOrderId,
      () => this.inner.submitOrder(request, signal),
      (result) => result.outcome,
    );
  }
  cancelOrder(clientOrderId: string, signal?: AbortSignal): Promise<CancelResult> {
    return this.guard.call(
      "cancel",
      clientOrderId,
      () => this.inner.cancelOrder(clientOrderId, signal),
      (result) => result.outcome,
    );
  }
  lookupOrder(clientOrderId: string, signal?: AbortSignal): Promise<BrokerOrderView | null> {
    return this.guard.call(
      "lookup",
      clientOrderId,
      () => this.inner.lookupOrder(clientOrderId, signal),
      (result) => (result ? result.status : "NOT_FOUND"),
    );
  }
  listOrdersSince(since: Date, signal?: AbortSignal): Promise<BrokerOrderView[]> {
    if (!this.inner.listOrdersSince) throw new Error(`broker ${this.brokerId} has no daily report`);
    return this.inner.listOrdersSince(since, signal);
  }
  /** Quotes bypass the order pipeline: they are cached and refreshed in the background (market/quotes.ts). */
  getQuotes(signal?: AbortSignal): Promise<Quote[]> {
    return this.inner.getQuotes(signal);
  }
}
