// The invariant checker's settings, read from the environment by the worker's composition root (never at module load).
import { positiveIntFromEnv } from "../shared/env";
import { DEFAULT_GRACE_MS } from "./fullCheck";

export interface InvariantsOptions {
  /** Pause between two incremental passes. */
  intervalMs: number;
  /** How long an execution may wait for the ledger before it counts as unbooked. */
  graceMs: number;
  /** How often a pass checks everything instead of what changed: the net under the incremental cursors. */
  fullSweepMs: number;
  /** How long a cursor waits for a skipped id (a transaction still to commit) before taking it for a rollback. */
  gapWaitMs: number;
}

export const DEFAULT_INVARIANTS_OPTIONS: InvariantsOptions = {
  intervalMs: 5_000,
  graceMs: DEFAULT_GRACE_MS,
  fullSweepMs: 60 * 60_000,
  gapWaitMs: 60_000,
};

export function invariantsOptionsFromEnv(env: Record<string, string | undefined>): InvariantsOptions {
  // A typo must stop the worker: NaN would silently turn the checks off or make every execution "unbooked".
  return {
    intervalMs: positiveIntFromEnv(env, "INVARIANTS_INTERVAL_MS", DEFAULT_INVARIANTS_OPTIONS.intervalMs),
    graceMs: positiveIntFromEnv(env, "INVARIANTS_GRACE_MS", DEFAULT_INVARIANTS_OPTIONS.graceMs),
    fullSweepMs: positiveIntFromEnv(env, "INVARIANTS_FULL_SWEEP_MS", DEFAULT_INVARIANTS_OPTIONS.fullSweepMs),
    gapWaitMs: DEFAULT_INVARIANTS_OPTIONS.gapWaitMs,
  };
}
