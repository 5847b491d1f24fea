// Waiting, once for the whole code base (the worker's loops, the broker simulator, scripts). Kept free of imports so
// the simulator can take it through @meridian/core/sleep without loading the domain.

/**
 * Resolves after `ms`, or at once when `signal` aborts (already aborted: at once). Never rejects: every caller is a
 * loop or a pause that checks its own signal next, and a rejection there would only be caught and ignored.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Resolves with the promise's value, or rejects after `ms` with a message naming what took too long. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
