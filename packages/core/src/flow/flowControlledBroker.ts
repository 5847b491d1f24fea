// A broker adapter behind its flow control, in the order a call meets it (Toss Bank's pipeline toward a partner):
//   1. the operator's forced breaker state, which wins over everything below;
//   2. this process's adaptive pool (flow/adaptiveLimit.ts): a slot under the limit AIMD keeps;
//   3. the broker's calls-per-second limit, shared by every gateway through Redis (flow/rateLimit.ts);
//   4. the breaker shared by every gateway (flow/circuitBreaker.ts): closed, open, or one of the half-open trials;
//   5. the call, whose timings and outcome go to the metrics in Redis (flow/callMetrics.ts), the breaker, the pool's
//      limit, and broker_calls (the durable record).
// A call refused at 1–4 was never sent: it fails with NOT_SENT, which the gateway retries later without using up an
// attempt. Only an answer we could not get (timeout, network, 5xx) counts as the broker failing.
import type { BrokerCallLog } from "../broker/callLog";
import {
  BrokerUnavailableError,
  type BrokerAdapter,
  type BrokerOrderRequest,
  type BrokerOrderView,
  type CancelResult,
  type Quote,
  type SubmitResult,
} from "../broker/port";
import { PoolFullError, type AdaptivePool } from "./adaptiveLimit";
import type { BrokerCallMetrics } from "./callMetrics";
import type { BrokerLevers } from "./circuits";
import type { Permission, SharedBreaker, Transition } from "./circuitBreaker";
import type { BrokerRateLimit } from "./rateLimit";

export interface FlowParts {
  pool: AdaptivePool;
  breaker: SharedBreaker;
  rateLimit: BrokerRateLimit;
  metrics: BrokerCallMetrics;
  /** The operator's levers as this process last read them (at most a second old). */
  levers: { of(brokerId: string): Promise<BrokerLevers> };
  callLog?: BrokerCallLog;
  /** The longest a call waits for the rate limit before it is not sent (the broker's call timeout). */
  maxRateWaitMs: number;
  /** Told of every breaker transition this process caused (mirrored to broker_circuits, logged). */
  onTransition(brokerId: string, transition: Transition): void;
  /** After every call that held a slot: the pool's limit or load may have changed. */
  onPoolChanged(): void;
}

/** An answer we could not get: what opens a breaker and shrinks a pool. A refusal on our side (NOT_SENT) is not. */
export function isBrokerFailure(error: unknown): boolean {
  return error instanceof BrokerUnavailableError && error.reason !== "NOT_SENT";
}

export class FlowControlledBroker implements BrokerAdapter {
  constructor(
    private readonly inner: BrokerAdapter,
    private readonly parts: FlowParts,
  ) {}

  get brokerId() {
    return this.inner.brokerId;
  }
  get capabilities() {
    return this.inner.capabilities;
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
  /** Quotes bypass the order pipeline: they are cached and refreshed in the background (market/quotes.ts). */
  getQuotes(signal?: AbortSignal): Promise<Quote[]> {
    return this.inner.getQuotes(signal);
  }

  private async guarded<T>(
    operation: string,
    orderId: string,
    call: () => Promise<T>,
    outcomeOf: (result: T) => string,
  ): Promise<T> {
    const enqueuedAt = Date.now();
    const { forced } = await this.parts.levers.of(this.brokerId);
    if (forced === "open") return this.notSent(operation, orderId, "breaker forced open by an operator");
    let slot;
    try {
      slot = await this.parts.pool.acquire();
    } catch (error) {
      if (error instanceof PoolFullError) return this.notSent(operation, orderId, "pool full");
      throw error;
    }
    let permission: Permission | null = null;
    let sample: { latencyMs: number; ok: boolean } | null = null;
    try {
      if (!(await this.withinRate())) return await this.notSent(operation, orderId, "calls-per-second limit reached");
      // The breaker knows the operator's forced state too (FlowControl hands it over with the levers): forced closed
      // it allows every call and learns nothing from them. One that cannot be asked (Redis restarting) lets the call
      // through unjudged: the pool and the rate limit's in-process insurance still bound it, and trading does not
      // stop on our own dependency.
      permission = await this.parts.breaker.acquire(this.brokerId).catch(() => null);
      if (permission?.allowed === false) return await this.notSent(operation, orderId, `circuit ${permission.state}`);
      // open → half-open happens on the acquire that takes the first trial
      if (permission?.transition) this.parts.onTransition(this.brokerId, permission.transition);
      const callId = await this.parts.callLog?.start(this.brokerId, operation, orderId).catch(() => null);
      // Timed after the log's insert: the pool, the breaker and the metrics judge the broker, not our database.
      const startedAt = Date.now();
      try {
        const result = await call();
        sample = { latencyMs: Date.now() - startedAt, ok: true };
        await this.finishLog(callId, outcomeOf(result), sample.latencyMs);
        return result;
      } catch (error) {
        sample = { latencyMs: Date.now() - startedAt, ok: !isBrokerFailure(error) };
        const outcome = error instanceof BrokerUnavailableError ? error.reason : "ERROR";
        await this.finishLog(callId, outcome, sample.latencyMs, (error as Error).message);
        throw error;
      } finally {
        this.afterCall(operation, permission, enqueuedAt, startedAt, sample!);
      }
    } finally {
      slot.release(sample);
      this.parts.onPoolChanged();
    }
  }

  private async withinRate(): Promise<boolean> {
    try {
      await this.parts.rateLimit.acquire(this.brokerId, { maxWaitMs: this.parts.maxRateWaitMs });
      return true;
    } catch {
      return false;
    }
  }

  /** Metrics and the breaker's window; neither may delay or fail the answer the gateway is waiting for. */
  private afterCall(
    operation: string,
    permission: Permission | null,
    enqueuedAt: number,
    startedAt: number,
    sample: { latencyMs: number; ok: boolean },
  ): void {
    const endedAt = startedAt + sample.latencyMs;
    void this.parts.metrics.record({
      brokerId: this.brokerId,
      operation,
      enqueuedAt,
      startedAt,
      endedAt,
      ok: sample.ok,
    });
    if (permission?.allowed)
      void this.parts.breaker
        .record(this.brokerId, permission, { ok: sample.ok, durationMs: sample.latencyMs })
        .then((transition) => transition && this.parts.onTransition(this.brokerId, transition))
        .catch(() => undefined);
  }

  private async notSent(operation: string, orderId: string, reason: string): Promise<never> {
    await this.parts.callLog?.refused(this.brokerId, operation, orderId, reason).catch(() => undefined);
    throw new BrokerUnavailableError(this.brokerId, "NOT_SENT", `${this.brokerId}: ${reason}; the call was not made`);
  }

  private async finishLog(callId: bigint | null | undefined, outcome: string, latencyMs: number, error?: string) {
    if (callId) await this.parts.callLog!.finish(callId, outcome, latencyMs, error).catch(() => undefined);
  }
}
