// Turns the feed's callbacks into an async iterable for one subscriber (a tRPC subscription), ending when `signal`
// aborts: the subscriber is removed then, so the feed stops polling once the last stream has closed.
import type { OrderChangeEvent, OrderFeed } from "./feed";

/** A stalled connection keeps at most this many unsent changes; older ones are dropped (the client also re-fetches). */
const MAX_QUEUED = 1_000;

/**
 * Subscribes at once and resolves when the feed knows where it starts reading: every change committed after that is
 * delivered. tRPC awaits this before it tells the browser "connected", and the browser re-fetches on "connected", so no
 * change can fall between the browser's re-fetch and the stream's first event.
 */
export async function openOrderChanges(
  feed: OrderFeed,
  options: { signal?: AbortSignal; accountId?: string },
): Promise<AsyncGenerator<OrderChangeEvent>> {
  const { signal, accountId } = options;
  const queued: OrderChangeEvent[] = [];
  let wake: (() => void) | null = null;
  let subscribed = true;
  const stopListening = feed.subscribe((change) => {
    if (accountId !== undefined && change.accountId !== accountId) return;
    if (queued.push(change) > MAX_QUEUED) queued.shift();
    wake?.();
  });
  // Also on abort, not only when the stream ends: a stream that is never read must not keep the feed polling.
  const unsubscribe = () => {
    if (subscribed) stopListening();
    subscribed = false;
  };
  const onAbort = () => {
    unsubscribe();
    wake?.();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  await feed.whenStarted();

  return (async function* () {
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
  })();
}
