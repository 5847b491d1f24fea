// Runtime fault injection for one broker. Changes are all-or-nothing: an out-of-range field rejects the whole patch.
import { z } from "zod";

const rate = z.number().min(0).max(1);

export const ZFaults = z.object({
  latencyMs: z.number().min(0).max(60_000),
  latencyJitterMs: z.number().min(0).max(60_000),
  /** Process a submit/cancel but never answer it. */
  dropResponseRate: rate,
  /** Answer 503 before processing. */
  errorRate: rate,
  /** Business-reject an otherwise valid new order. */
  rejectRate: rate,
  /** Deliver an execution webhook twice. */
  duplicateExecutionRate: rate,
  /** Hold an order's executions and deliver them newest first once the order is done. */
  reorderExecutions: z.boolean(),
  /** Hold every webhook delivery until unpaused. */
  pauseExecutions: z.boolean(),
  /** Every API call answers 503. */
  down: z.boolean(),
});
export type Faults = z.infer<typeof ZFaults>;

export const ZFaultsPatch = ZFaults.partial().strict();
export type FaultsPatch = z.infer<typeof ZFaultsPatch>;

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  dropResponseRate: 0,
  errorRate: 0,
  rejectRate: 0,
  duplicateExecutionRate: 0,
  reorderExecutions: false,
  pauseExecutions: false,
  down: false,
});

type Listener = (faults: Readonly<Faults>) => void;

export class FaultState {
  private faults: Readonly<Faults> = NO_FAULTS;
  private readonly listeners: Listener[] = [];

  get current(): Readonly<Faults> {
    return this.faults;
  }

  /** Merges a validated patch. Callers validate with ZFaultsPatch first, so nothing here can be out of range. */
  update(patch: FaultsPatch): Readonly<Faults> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    this.faults = Object.freeze({ ...this.faults, ...defined });
    this.notify();
    return this.faults;
  }

  reset(): Readonly<Faults> {
    this.faults = NO_FAULTS;
    this.notify();
    return this.faults;
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.faults);
  }
}
