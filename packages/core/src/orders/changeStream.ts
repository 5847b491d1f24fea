// Turns the feed's callbacks into an async iterable for one subscriber (a tRPC subscription), ending when `signal`
// aborts: the subscriber is removed then, so the feed stops polling once the last stream has closed.
import type { OrderChangeEvent, OrderFeed } from "./feed";

/** A stalled connection keeps at most this many unsent changes; older ones are dropped (the client also re-fetches). */
const MAX_QUEUED = 1_000;

export async function* orderChanges(feed: OrderFeed, options: { signal?: AbortSignal; accountId?: string }): AsyncGenerator<OrderChangeEvent> {
  const { signal, accountId } = options;
  const queued: OrderChangeEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = feed.subscribe((change) => {
    if (accountId !== undefined && change.accountId !== accountId) return;
    if (queued.push(change) > MAX_QUEUED) queued.shift();
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (!signal?.aborted) {
      const next = queued.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}
