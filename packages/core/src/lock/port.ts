// The account lock makes concurrent work on one account wait its turn ("lock to wait"); version CAS and the fencing
// token make a write from a holder whose lease silently expired impossible ("CAS to be safe").

export interface LockGrant {
  accountId: string;
  /** Grows with every grant on this account; stored on the account row by every locked write (see fence.ts). */
  fencingToken: bigint;
  /** Aborted when the lease is lost (renewal failed or expired): the holder must stop before it commits. */
  signal: AbortSignal;
  /** Throws LockLostError if the lease is no longer ours. Call it right before commit. */
  assertHeld(): void;
}

export interface AccountLock {
  /** Runs `work` while holding the account's lock; waits a bounded time, then throws AccountBusyError. */
  withAccountLock<T>(accountId: string, work: (grant: LockGrant) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface LockOptions {
  /** Lease length. The holder renews it every leaseMs / 3 while it works. */
  leaseMs: number;
  /** How long to wait for a busy lock before giving up with "account busy". */
  waitMs: number;
  /** Base pause between attempts while waiting; each pause is jittered. */
  retryMs: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { leaseMs: 30_000, waitMs: 5_000, retryMs: 25 };
