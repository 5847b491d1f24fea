// The dynamic pool toward one broker (Toss Bank's "thread pool whose size follows the partner's state"): how many
// calls this process may have in flight, adapted by AIMD after Netflix's concurrency-limits (AIMDLimit) — grow by one
// while the pool is used and calls come back healthy, shrink by `backoffRatio` when one comes back failed or slower
// than `latencyTolerance` × the broker's baseline. The baseline is a slow moving average of every call's latency, so
// a sudden rise reads as congestion while a lasting new normal is, after some hundred calls, accepted as the baseline.

export interface AdaptiveLimitSettings {
  /** Where the limit starts, and never falls below `min` nor rises above `max`. */
  initial: number;
  min: number;
  max: number;
  /** Multiplied into the limit on a failed or slow call (Netflix's default 0.9). */
  backoffRatio: number;
  /** A call slower than this many times the baseline counts as a drop. */
  latencyTolerance: number;
  /** Calls allowed to wait for a slot; past it a call is refused at once ("pool full"). */
  maxQueue: number;
}

export const DEFAULT_ADAPTIVE_LIMIT: AdaptiveLimitSettings = {
  initial: 16,
  min: 1,
  max: 64,
  backoffRatio: 0.9,
  latencyTolerance: 2,
  maxQueue: 200,
};

/** Weight of one call in the baseline: about the last 500 calls count. */
const BASELINE_WEIGHT = 1 / 500;

export class PoolFullError extends Error {
  constructor(readonly brokerId: string) {
    super(`${brokerId}: pool full`);
  }
}

export interface CallSample {
  latencyMs: number;
  ok: boolean;
}

/** AIMD on one number, with no waiting in it: what the limit becomes after each call. */
export class AimdLimit {
  private value: number;
  private baseline: number | null = null;

  constructor(private readonly settings: AdaptiveLimitSettings) {
    this.value = settings.initial;
  }

  get limit(): number {
    return Math.floor(this.value);
  }

  get baselineMs(): number | null {
    return this.baseline === null ? null : Math.round(this.baseline);
  }

  /** One finished call, with how many calls were in flight when it started. */
  onSample(sample: CallSample, inFlight: number): void {
    const slow = this.baseline !== null && sample.latencyMs > this.baseline * this.settings.latencyTolerance;
    this.baseline =
      this.baseline === null ? sample.latencyMs : this.baseline + (sample.latencyMs - this.baseline) * BASELINE_WEIGHT;
    const { min, max, backoffRatio } = this.settings;
    if (!sample.ok || slow) this.value = Math.max(min, this.value * backoffRatio);
    // Only grow a limit that is being used: an idle pool proves nothing about what the broker can bear.
    else if (inFlight * 2 >= this.value) this.value = Math.min(max, this.value + 1);
  }
}

/** The pool: calls wait in arrival order for a slot under the current limit. */
export class AdaptivePool {
  readonly aimd: AimdLimit;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly brokerId: string,
    private readonly settings: AdaptiveLimitSettings,
  ) {
    this.aimd = new AimdLimit(settings);
  }

  get inFlight(): number {
    return this.running;
  }
  get queued(): number {
    return this.waiting.length;
  }
  get limit(): number {
    return this.aimd.limit;
  }

  /**
   * Waits for a slot (refuses at once past `maxQueue`). The caller releases it with the call's latency and outcome, or
   * with null when no call was made (refused by the rate limit or the breaker): that says nothing about the broker.
   */
  async acquire(): Promise<{ release(sample: CallSample | null): void }> {
    if (this.running >= this.limit || this.waiting.length > 0) {
      if (this.waiting.length >= this.settings.maxQueue) throw new PoolFullError(this.brokerId);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    const inFlightAtStart = this.running;
    let released = false;
    return {
      release: (sample) => {
        if (released) return;
        released = true;
        if (sample) this.aimd.onSample(sample, inFlightAtStart);
        this.running--;
        this.admit();
      },
    };
  }

  /** Hands freed slots to waiters; a limit that shrank admits no one until calls in flight fall under it. */
  private admit(): void {
    while (this.running < this.limit && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()!();
    }
  }
}
