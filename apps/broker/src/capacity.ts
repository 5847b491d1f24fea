// A partner's capacity: the order calls per second it promises and the calls it bears at once. Within them it answers
// as usual; over them it queues, answering later the further over it is; past twice them it sheds, answering 503 at
// once. That is how a real partner degrades, and it gives the gateway's flow control something real to protect. The
// same model keeps the broker's own count of calls per second, by which tests prove a gateway never exceeds its rate.

/** Past this load a call is shed. */
export const SHED_LOAD = 2;

/** The delay a call takes on at load SHED_LOAD: many times a typical call, so that queueing shows. */
export const OVERLOAD_DELAY_MS = 1_000;

/** The window of "calls in the last second", against the promised TPS. */
const RATE_WINDOW_MS = 1_000;

/** How many calendar seconds of call counts the stats keep. */
const HISTORY_SECONDS = 120;

/** The two fault switches the model reads; 0 = unlimited. */
export interface CapacityLimits {
  readonly capacityTps: number;
  readonly capacityConcurrent: number;
}

export interface LoadStats {
  /** Order calls per calendar second (epoch seconds), oldest first: the last 120 seconds, only those with calls. */
  callsPerSecond: { second: number; calls: number }[];
  maxCallsPerSecond: number;
  /** The most calls in flight at once since the last reset. */
  maxConcurrent: number;
  /** Calls shed with 503 OVER_CAPACITY since the last reset. */
  overCapacityRejections: number;
}

export type Admission =
  { outcome: "ADMITTED"; load: number; delayMs: number; release(): void } | { outcome: "SHED"; load: number };

/**
 * How far over capacity a call finds the broker: the larger of in flight / capacityConcurrent and calls in the last
 * second / capacityTps, over the limits that are set (both counts include the call itself). 0 when neither is set.
 */
export function loadOf(limits: CapacityLimits, callsInLastSecond: number, inFlight: number): number {
  const byRate = limits.capacityTps > 0 ? callsInLastSecond / limits.capacityTps : 0;
  const byConcurrency = limits.capacityConcurrent > 0 ? inFlight / limits.capacityConcurrent : 0;
  return Math.max(byRate, byConcurrency);
}

/**
 * The delay an admitted call takes on: none within capacity, then OVERLOAD_DELAY_MS × (load − 1), so 1.5× capacity
 * adds 500 ms and 2× adds 1 s, whatever the latency switches say.
 */
export function overloadDelayMs(load: number): number {
  return load <= 1 ? 0 : OVERLOAD_DELAY_MS * (Math.min(load, SHED_LOAD) - 1);
}

export class BrokerCapacity {
  private inFlight = 0;
  private maxConcurrent = 0;
  private overCapacityRejections = 0;
  /** Arrival times within the rate window, oldest first, from `windowStart` on (the head is dropped lazily). */
  private arrivals: number[] = [];
  private windowStart = 0;
  /** Calls per calendar second, epoch second → calls, in arrival order. */
  private readonly perSecond = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Counts one order call and decides its fate. Every call counts, shed ones too: turning a call away still costs a
   * partner, and a client that retries into an overload keeps it overloaded. An admitted call is in flight until
   * `release` (idempotent).
   */
  admit(limits: CapacityLimits): Admission {
    const at = this.now();
    this.count(at);
    const load = loadOf(limits, this.arrivals.length - this.windowStart, this.inFlight + 1);
    if (load > SHED_LOAD) {
      this.overCapacityRejections++;
      return { outcome: "SHED", load };
    }
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
    return { outcome: "ADMITTED", load, delayMs: overloadDelayMs(load), release };
  }

  stats(): LoadStats {
    this.forgetOldSeconds(Math.floor(this.now() / 1000));
    const callsPerSecond = [...this.perSecond]
      .map(([second, calls]) => ({ second, calls }))
      .sort((a, b) => a.second - b.second);
    return {
      callsPerSecond,
      maxCallsPerSecond: Math.max(0, ...callsPerSecond.map((entry) => entry.calls)),
      maxConcurrent: this.maxConcurrent,
      overCapacityRejections: this.overCapacityRejections,
    };
  }

  /** Forgets the counts and the rate window. Calls in flight stay in flight: they still end. */
  reset(): void {
    this.arrivals = [];
    this.windowStart = 0;
    this.perSecond.clear();
    this.maxConcurrent = this.inFlight;
    this.overCapacityRejections = 0;
  }

  private count(at: number): void {
    while (this.windowStart < this.arrivals.length && this.arrivals[this.windowStart]! <= at - RATE_WINDOW_MS)
      this.windowStart++;
    // Compact now and then rather than shift() per call, which is linear in the window.
    if (this.windowStart > 1024 && this.windowStart * 2 > this.arrivals.length) {
      this.arrivals = this.arrivals.slice(this.windowStart);
      this.windowStart = 0;
    }
    this.arrivals.push(at);
    const second = Math.floor(at / 1000);
    if (!this.perSecond.has(second)) this.forgetOldSeconds(second);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
  }

  private forgetOldSeconds(currentSecond: number): void {
    for (const second of this.perSecond.keys())
      if (second <= currentSecond - HISTORY_SECONDS) this.perSecond.delete(second);
  }
}
