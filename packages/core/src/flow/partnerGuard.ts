// One partner's flow control, in the order a call meets it (Toss Bank's pipeline toward a partner institution):
//   1. the operator's forced breaker state, which wins over everything below;
//   2. this process's adaptive pool (flow/adaptiveLimit.ts): a slot under the limit AIMD keeps;
//   3. the partner's calls-per-second limit, shared by every process through Redis (flow/rateLimit.ts);
//   4. the breaker shared by every process (flow/circuitBreaker.ts): closed, open, or one of the half-open trials;
//   5. the call, whose timings and outcome go to the metrics in Redis (flow/callMetrics.ts), the breaker, the pool's
//      limit, and broker_calls (the durable record).
// A call refused at 1–4 was never sent: it fails with NOT_SENT, which the caller retries later without using up an
// attempt. Only an answer we could not get (timeout, network, 5xx) counts as the partner failing. The brokers' and
// the FX desk's adapters are wrapped around the same guard, so every partner is held to the same rules.
import type { BrokerCallLog } from "../broker/callLog";
import { BrokerUnavailableError } from "../broker/port";
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
  /** The longest a call waits for the rate limit before it is not sent (the partner's call timeout). */
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

type Sample = { latencyMs: number; ok: boolean };

export class PartnerGuard {
  constructor(
    readonly partnerId: string,
    private readonly parts: FlowParts,
  ) {}

  /**
   * Makes `fn` behind the partner's flow control. `key` names the call in broker_calls (an order id: the column is a
   * uuid). `outcomeOf` names a success for the log; `answerOf` names an error that is the partner's definite answer
   * (a refusal), logged as that answer rather than as ERROR. Neither kind of answer counts as the partner failing.
   */
  async call<T>(
    operation: string,
    key: string | undefined,
    fn: () => Promise<T>,
    outcomeOf: (result: T) => string,
    answerOf: (error: unknown) => string | null = () => null,
  ): Promise<T> {
    const enqueuedAt = Date.now();
    const { forced } = await this.parts.levers.of(this.partnerId);
    if (forced === "open") return this.notSent(operation, key, "breaker forced open by an operator");
    let slot;
    try {
      slot = await this.parts.pool.acquire();
    } catch (error) {
      if (error instanceof PoolFullError) return this.notSent(operation, key, "pool full");
      throw error;
    }
    let permission: Permission | null = null;
    let sample: Sample | null = null;
    try {
      if (!(await this.withinRate())) return await this.notSent(operation, key, "calls-per-second limit reached");
      // The breaker knows the operator's forced state too (FlowControl hands it over with the levers): forced closed
      // it allows every call and learns nothing from them. One that cannot be asked (Redis restarting) lets the call
      // through unjudged: the pool and the rate limit's in-process insurance still bound it, and trading does not
      // stop on our own dependency.
      permission = await this.parts.breaker.acquire(this.partnerId).catch(() => null);
      if (permission?.allowed === false) return await this.notSent(operation, key, `circuit ${permission.state}`);
      // open → half-open happens on the acquire that takes the first trial
      if (permission?.transition) this.parts.onTransition(this.partnerId, permission.transition);
      const callId = await this.parts.callLog?.start(this.partnerId, operation, key).catch(() => null);
      // Timed after the log's insert: the pool, the breaker and the metrics judge the partner, not our database.
      const startedAt = Date.now();
      try {
        const result = await fn();
        sample = { latencyMs: Date.now() - startedAt, ok: true };
        await this.finishLog(callId, outcomeOf(result), sample.latencyMs);
        return result;
      } catch (error) {
        sample = { latencyMs: Date.now() - startedAt, ok: !isBrokerFailure(error) };
        const outcome = error instanceof BrokerUnavailableError ? error.reason : (answerOf(error) ?? "ERROR");
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
      await this.parts.rateLimit.acquire(this.partnerId, { maxWaitMs: this.parts.maxRateWaitMs });
      return true;
    } catch {
      return false;
    }
  }

  /** Metrics and the breaker's window; neither may delay or fail the answer the caller is waiting for. */
  private afterCall(
    operation: string,
    permission: Permission | null,
    enqueuedAt: number,
    startedAt: number,
    sample: Sample,
  ): void {
    const endedAt = startedAt + sample.latencyMs;
    void this.parts.metrics.record({
      brokerId: this.partnerId,
      operation,
      enqueuedAt,
      startedAt,
      endedAt,
      ok: sample.ok,
    });
    if (permission?.allowed)
      void this.parts.breaker
        .record(this.partnerId, permission, { ok: sample.ok, durationMs: sample.latencyMs })
        .then((transition) => transition && this.parts.onTransition(this.partnerId, transition))
        .catch(() => undefined);
  }

  private async notSent(operation: string, key: string | undefined, reason: string): Promise<never> {
    await this.parts.callLog?.refused(this.partnerId, operation, key, reason).catch(() => undefined);
    throw new BrokerUnavailableError(this.partnerId, "NOT_SENT", `${this.partnerId}: ${reason}; the call was not made`);
  }

  private async finishLog(callId: bigint | null | undefined, outcome: string, latencyMs: number, error?: string) {
    if (callId) await this.parts.callLog!.finish(callId, outcome, latencyMs, error).catch(() => undefined);
  }
}
