// Key-ordered lanes: work for many keys runs side by side, up to a limit, while the work of one key (one order) runs
// one item at a time and in the order it was pushed. Both consumers use it, so that one slow order (a broker call that
// times out) holds up only its own later messages and not every order queued behind it. The idea is the key-ordered
// mode of Confluent's Parallel Consumer; the offsets and claims around it are the callers' (kafkaConsumer.ts,
// pollingConsumer.ts).
import type { ConsumerRole } from "./topics";

/**
 * Messages each role handles at once per consumer (GATEWAY_CONCURRENCY, LEDGER_CONCURRENCY). The gateway's calls are
 * further limited per broker by its adaptive pool and rate limit; the ledger's concurrent executions are what lets it batch per account.
 */
export const DEFAULT_IN_FLIGHT: Record<ConsumerRole, number> = { gateway: 64, ledger: 64 };

export interface KeyedLanesOptions<T> {
  /** Items running at once, over all keys. */
  limit: number;
  /**
   * Runs one item. True lets the key's next item run; false (or a throw) means the item did not go through and must
   * not be passed by: the key's waiting items are dropped, and come back however their caller brings them back.
   */
  run: (item: T) => Promise<boolean>;
  /** An item that will not run: its key stopped behind it, or the lanes were closed before its turn. */
  dropped?: (item: T) => void;
  onError?: (error: unknown, item: T) => void;
}

export class KeyedLanes<T> {
  /** Per key, the items not started yet, oldest first. */
  private readonly waiting = new Map<string, T[]>();
  /** Keys with an item running: their next item waits for it. */
  private readonly busy = new Set<string>();
  /** Keys whose next item may start as soon as a slot frees, in the order they became ready. */
  private readonly ready: string[] = [];
  private runningCount = 0;
  private waitingCount = 0;
  private closed = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: KeyedLanesOptions<T>) {}

  /** Items running now. */
  get running(): number {
    return this.runningCount;
  }

  /** Items running or waiting for their turn. */
  get size(): number {
    return this.runningCount + this.waitingCount;
  }

  /** Whether items of `key` wait behind the one running. */
  hasWaiting(key: string): boolean {
    return this.waiting.has(key);
  }

  /** Queues `item` behind the key's earlier items; false (and `dropped` is not called) once the lanes are closed. */
  push(key: string, item: T): boolean {
    if (this.closed) return false;
    const queue = this.waiting.get(key);
    if (queue) queue.push(item);
    else {
      this.waiting.set(key, [item]);
      if (!this.busy.has(key)) this.ready.push(key);
    }
    this.waitingCount++;
    this.pump();
    return true;
  }

  /** Resolves at the next item's end, or after `timeoutMs`. */
  nextCompletion(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.listeners.add(done);
    });
  }

  /** Starts nothing more; the items not started are dropped. Resolves once the running items have ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.ready.length = 0;
    for (const key of [...this.waiting.keys()]) this.dropKey(key);
    while (this.runningCount > 0) await this.nextCompletion(1000);
  }

  private pump(): void {
    while (!this.closed && this.runningCount < this.options.limit && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const queue = this.waiting.get(key)!;
      const item = queue.shift()!;
      if (queue.length === 0) this.waiting.delete(key);
      this.waitingCount--;
      this.busy.add(key);
      this.runningCount++;
      void this.start(key, item);
    }
  }

  private async start(key: string, item: T): Promise<void> {
    let wentThrough = false;
    try {
      wentThrough = await this.options.run(item);
    } catch (error) {
      this.options.onError?.(error, item);
    }
    this.runningCount--;
    this.busy.delete(key);
    if (!wentThrough) this.dropKey(key);
    else if (this.waiting.has(key) && !this.closed) this.ready.push(key);
    for (const listener of [...this.listeners]) listener();
    this.pump();
  }

  private dropKey(key: string): void {
    const queue = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    const index = this.ready.indexOf(key);
    if (index >= 0) this.ready.splice(index, 1);
    this.waitingCount -= queue.length;
    for (const item of queue) this.options.dropped?.(item);
  }
}
