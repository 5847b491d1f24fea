// The process-wide transport mode. The relay and every consumer of a process follow the same switch, so a process
// never publishes to Kafka while its consumers poll, and a consumer is stopped before the other transport takes over.
import type { ModeChange, TransportMode } from "./transport";

const KEPT_CHANGES = 20;

export class ModeSwitch {
  private current: TransportMode;
  private since = new Date();
  private error: string | null = null;
  private readonly history: ModeChange[] = [];
  private waiters: (() => void)[] = [];

  constructor(initial: TransportMode) {
    this.current = initial;
  }

  get mode(): TransportMode {
    return this.current;
  }

  set(to: TransportMode, reason: string): boolean {
    if (to === "polling") this.error = reason;
    if (to === this.current) return false;
    this.history.push({ at: new Date(), from: this.current, to, reason });
    if (this.history.length > KEPT_CHANGES) this.history.shift();
    this.current = to;
    this.since = new Date();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return true;
  }

  /**
   * A controller whose signal aborts at the next mode change, or when `parent` aborts. Abort it yourself when done
   * with it: that drops its listeners.
   */
  untilChange(parent: AbortSignal): AbortController {
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (parent.aborted) abort();
    parent.addEventListener("abort", abort, { once: true });
    this.waiters.push(abort);
    controller.signal.addEventListener(
      "abort",
      () => {
        parent.removeEventListener("abort", abort);
        this.waiters = this.waiters.filter((waiter) => waiter !== abort);
      },
      { once: true },
    );
    return controller;
  }

  snapshot() {
    return { mode: this.current, since: this.since, lastError: this.error, changes: [...this.history] };
  }
}
