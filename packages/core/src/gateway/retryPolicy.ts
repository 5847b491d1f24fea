/**
 * When to try an order of unknown outcome again: exponential backoff with full jitter (AWS Architecture Blog), bounded
 * by a cap and an attempt limit (SUBMIT_RETRY_PROFILE and its overrides, config/). Production uses minutes (1, 2, 4, 8,
 * as in Toss SLASH 22, "How one Apple share reaches the customer"); the demo, seconds.
 */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
  /**
   * How long after an attempt started its request may still reach the broker (a slow link delivers a request we gave
   * up on). Until then a cancel's "no such order" proves nothing: the order may be about to arrive.
   */
  lateArrivalMs: number;
}

/** Delay before attempt `attempt + 1`, given `attempt` attempts so far. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
