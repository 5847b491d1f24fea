// What both lock adapters share: bounded, jittered waiting and a renewal watchdog (Redisson-style) that aborts the
// grant's signal when renewal fails.
import { randomUUID } from "node:crypto";
import { sleep } from "../shared/sleep";
import { AccountBusyError, LockLostError } from "../shared/errors";
import type { LockGrant, LockOptions } from "./port";

export interface LeaseBackend {
  /** Returns the new fencing token when the lease was taken, null when someone else holds it. */
  tryAcquire(accountId: string, token: string, leaseMs: number): Promise<bigint | null>;
  /** False when the lease is no longer ours. */
  renew(accountId: string, token: string, leaseMs: number): Promise<boolean>;
  release(accountId: string, token: string): Promise<void>;
}

/**
 * Waiters in one process queue here, first come first served, before they compete for the shared lease: one process
 * polls the lock server once per account instead of once per waiter, and a hot account's waiters are served in
 * order instead of by lottery. The local wait counts against the same bounded budget.
 */
export class LocalQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(accountId: string, waitMs: number, work: (remainingMs: number) => Promise<T>): Promise<T> {
    const previous = this.tails.get(accountId) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(accountId, tail);
    const started = Date.now();
    try {
      const turn = await Promise.race([previous.then(() => true), sleep(waitMs).then(() => false)]);
      if (!turn) throw new AccountBusyError();
      return await work(waitMs - (Date.now() - started));
    } finally {
      done();
      if (this.tails.get(accountId) === tail) this.tails.delete(accountId);
    }
  }
}

export async function withLease<T>(
  backend: LeaseBackend,
  options: LockOptions,
  accountId: string,
  work: (grant: LockGrant) => Promise<T>,
  queue?: LocalQueue,
): Promise<T> {
  if (queue)
    return queue.run(accountId, options.waitMs, (remainingMs) =>
      withLease(backend, { ...options, waitMs: Math.max(0, remainingMs) }, accountId, work),
    );
  const token = randomUUID();
  const fencingToken = await acquire(backend, options, accountId, token);
  const lost = new AbortController();
  let leaseEndsAt = Date.now() + options.leaseMs;
  const renewal = setInterval(
    () => {
      backend
        .renew(accountId, token, options.leaseMs)
        .then((ok) => {
          if (ok) leaseEndsAt = Date.now() + options.leaseMs;
          else lost.abort(new LockLostError(accountId, "lease taken over"));
        })
        .catch((error: Error) => {
          if (Date.now() >= leaseEndsAt) lost.abort(new LockLostError(accountId, `renewal failed: ${error.message}`));
        });
    },
    Math.max(10, Math.floor(options.leaseMs / 3)),
  );
  renewal.unref();
  const grant: LockGrant = {
    accountId,
    fencingToken,
    signal: lost.signal,
    assertHeld() {
      if (lost.signal.aborted) throw lost.signal.reason as Error;
      if (Date.now() >= leaseEndsAt) throw new LockLostError(accountId, "lease expired");
    },
  };
  try {
    return await work(grant);
  } finally {
    clearInterval(renewal);
    await backend.release(accountId, token).catch(() => undefined);
  }
}

async function acquire(backend: LeaseBackend, options: LockOptions, accountId: string, token: string): Promise<bigint> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const fencingToken = await backend.tryAcquire(accountId, token, options.leaseMs);
    if (fencingToken !== null) return fencingToken;
    if (Date.now() >= deadline) throw new AccountBusyError();
    // Full jitter keeps waiters from retrying in lockstep.
    await sleep(Math.random() * options.retryMs * 2);
  }
}
