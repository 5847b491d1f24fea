// Each broker sits behind its own bulkhead (bounded concurrency and queue) and circuit breaker (Toss Bank's flow
// control: open after consecutive failures, half-open probe later), so one slow or failing partner cannot take the
// gateway's capacity from the others. Policies are cockatiel's; every order call is logged for the console.
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  bulkhead,
  circuitBreaker,
  handleType,
  wrap,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from "cockatiel";
import type { BrokerCallLog } from "./callLog";
import {
  BrokerUnavailableError,
  type BrokerAdapter,
  type BrokerOrderRequest,
  type CancelResult,
  type Quote,
  type SubmitResult,
  type BrokerOrderView,
} from "./port";

export interface ResilienceOptions {
  maxConcurrent: number;
  maxQueue: number;
  /** Consecutive unknown outcomes that open the circuit. */
  breakerFailures: number;
  halfOpenAfterMs: number;
}

export interface BrokerLoad {
  brokerId: string;
  inFlight: number;
  queued: number;
  circuit: "closed" | "open" | "half-open" | "isolated";
}

const CIRCUIT_NAMES: Record<CircuitState, BrokerLoad["circuit"]> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "isolated",
};

export class ResilientBroker implements BrokerAdapter {
  private readonly bulkhead: BulkheadPolicy;
  private readonly breaker: CircuitBreakerPolicy;

  constructor(
    private readonly inner: BrokerAdapter,
    private readonly options: ResilienceOptions,
    private readonly callLog?: BrokerCallLog,
  ) {
    this.bulkhead = bulkhead(options.maxConcurrent, options.maxQueue);
    this.breaker = circuitBreaker(handleType(BrokerUnavailableError), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerFailures),
    });
  }

  get brokerId() {
    return this.inner.brokerId;
  }
  get capabilities() {
    return this.inner.capabilities;
  }

  load(): BrokerLoad {
    return {
      brokerId: this.brokerId,
      inFlight: this.options.maxConcurrent - this.bulkhead.executionSlots,
      queued: this.options.maxQueue - this.bulkhead.queueSlots,
      circuit: CIRCUIT_NAMES[this.breaker.state],
    };
  }

  submitOrder(request: BrokerOrderRequest, signal?: AbortSignal): Promise<SubmitResult> {
    return this.guarded(
      "submit",
      request.clientOrderId,
      () => this.inner.submitOrder(request, signal),
      (result) => result.outcome,
    );
  }
  cancelOrder(clientOrderId: string, signal?: AbortSignal): Promise<CancelResult> {
    return this.guarded(
      "cancel",
      clientOrderId,
      () => this.inner.cancelOrder(clientOrderId, signal),
      (result) => result.outcome,
    );
  }
  lookupOrder(clientOrderId: string, signal?: AbortSignal): Promise<BrokerOrderView | null> {
    return this.guarded(
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
  /** Quotes bypass the order bulkhead: they are cached and refreshed in the background (market/quotes.ts). */
  getQuotes(signal?: AbortSignal): Promise<Quote[]> {
    return this.inner.getQuotes(signal);
  }

  private async guarded<T>(
    operation: string,
    orderId: string,
    call: () => Promise<T>,
    outcomeOf: (result: T) => string,
  ): Promise<T> {
    const started = Date.now();
    const callId = await this.callLog?.start(this.brokerId, operation, orderId).catch(() => null);
    const finish = (outcome: string, error?: string) =>
      callId ? this.callLog!.finish(callId, outcome, Date.now() - started, error).catch(() => undefined) : undefined;
    try {
      const result = await wrap(this.bulkhead, this.breaker).execute(call);
      await finish(outcomeOf(result));
      return result;
    } catch (error) {
      if (error instanceof BulkheadRejectedError || error instanceof BrokenCircuitError) {
        const reason = error instanceof BulkheadRejectedError ? "bulkhead full" : "circuit open";
        await finish("NOT_SENT", reason);
        throw new BrokerUnavailableError(
          this.brokerId,
          "NOT_SENT",
          `${this.brokerId}: ${reason}; the call was not made`,
        );
      }
      await finish(error instanceof BrokerUnavailableError ? error.reason : "ERROR", (error as Error).message);
      throw error;
    }
  }
}
