// The invariant checker's settings. The worker's composition root takes intervalMs, graceMs and fullSweepMs from the
// configuration (INVARIANTS_*, config/); gapWaitMs is not a setting.
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
