import { positiveIntFromEnv } from "../shared/env";

/**
 * When to try an order of unknown outcome again: exponential backoff with full jitter (AWS Architecture Blog),
 * bounded by a cap and an attempt limit. Production uses minutes (1, 2, 4, 8, as in Toss SLASH 22, "How one Apple share reaches the customer"); the demo, seconds.
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

/** The demo profile retries in seconds; `production` waits 1, 2, 4, 8 minutes (ceilings, jittered), as in Toss SLASH 22, "How one Apple share reaches the customer". */
const PROFILES: Record<string, RetryPolicy> = {
  demo: { baseMs: 2_000, capMs: 30_000, maxAttempts: 5, lateArrivalMs: 15_000 },
  production: { baseMs: 60_000, capMs: 8 * 60_000, maxAttempts: 5, lateArrivalMs: 120_000 },
};

export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const profile = PROFILES[env.SUBMIT_RETRY_PROFILE ?? "demo"];
  if (!profile)
    throw new Error(
      `SUBMIT_RETRY_PROFILE must be one of ${Object.keys(PROFILES).join(", ")}, got "${env.SUBMIT_RETRY_PROFILE}"`,
    );
  // A typo here must stop the worker: NaN would silently disable retries or the late-arrival wait.
  return {
    baseMs: positiveIntFromEnv(env, "SUBMIT_RETRY_BASE_MS", profile.baseMs),
    capMs: positiveIntFromEnv(env, "SUBMIT_RETRY_CAP_MS", profile.capMs),
    maxAttempts: positiveIntFromEnv(env, "SUBMIT_MAX_ATTEMPTS", profile.maxAttempts),
    lateArrivalMs: positiveIntFromEnv(env, "SUBMIT_LATE_ARRIVAL_MS", profile.lateArrivalMs),
  };
}

/** Delay before attempt `attempt + 1`, given `attempt` attempts so far. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
