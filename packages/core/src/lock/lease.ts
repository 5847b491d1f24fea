// What both lock adapters share: bounded, jittered waiting and a renewal watchdog (Redisson-style) that aborts the
// grant's signal when renewal fails. A lock server that is down or does not answer is never waited on past the wait
// budget: the caller hears "briefly unavailable" (ServiceUnavailableError) before any transaction was opened.
import { randomUUID } from "node:crypto";
import { sleep } from "../shared/sleep";
import { isDependencyFailure } from "../shared/dependencies";
import { AccountBusyError, LockLostError, ServiceUnavailableError } from "../shared/errors";
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

/** What the customer hears when the lock server cannot be asked: no transaction was opened, so nothing was written. */
export const LOCK_UNAVAILABLE_MESSAGE =
  "Trading is briefly unavailable: a system we depend on is not answering. Nothing was placed or changed. Try again in a few seconds.";

/**
 * The least time one call to the lock server is given, even when the wait budget is already spent (by the local queue):
 * a healthy server answers in a millisecond, so a call that outlasts this is a server that is not answering.
 */
const MIN_ANSWER_MS = 500;

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
  const { fencingToken, askedAt } = await acquire(backend, options, accountId, token);
  const lost = new AbortController();
  // The lease is counted from when it was asked for, not from the answer: the server started it no earlier.
  let leaseEndsAt = askedAt + options.leaseMs;
  let renewing = false;
  let renewalFailure: unknown;
  const renewal = setInterval(
    () => {
      // Checked on every tick, not only when a renewal answers: a lock server that stopped answering altogether
      // (a renewal that hangs) must still end the lease on time.
      if (Date.now() >= leaseEndsAt) {
        const reason = renewalFailure ? "the lock server did not answer the renewal" : "lease expired";
        lost.abort(new LockLostError(accountId, reason, { cause: renewalFailure }));
        return;
      }
      if (renewing) return; // one renewal in flight at a time
      renewing = true;
      const renewAskedAt = Date.now();
      backend
        .renew(accountId, token, options.leaseMs)
        .then(
          (ok) => {
            if (ok) {
              leaseEndsAt = renewAskedAt + options.leaseMs;
              renewalFailure = undefined;
            } else lost.abort(new LockLostError(accountId, "lease taken over"));
          },
          (error: unknown) => {
            renewalFailure = error; // the lease may still be ours until leaseEndsAt; the next tick decides
          },
        )
        .finally(() => (renewing = false));
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
      if (Date.now() >= leaseEndsAt)
        throw new LockLostError(accountId, "lease expired", renewalFailure ? { cause: renewalFailure } : undefined);
    },
  };
  try {
    return await work(grant);
  } finally {
    clearInterval(renewal);
    // The answer is known by now; a lock server that does not answer the release must not hold it back. The lease
    // then ends by its own expiry.
    await answerWithin(backend.release(accountId, token), options.waitMs).catch(() => undefined);
  }
}

async function acquire(
  backend: LeaseBackend,
  options: LockOptions,
  accountId: string,
  token: string,
): Promise<{ fencingToken: bigint; askedAt: number }> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const askedAt = Date.now();
    let fencingToken: bigint | null;
    try {
      fencingToken = await answerWithin(
        backend.tryAcquire(accountId, token, options.leaseMs),
        Math.max(deadline - askedAt, MIN_ANSWER_MS),
      );
    } catch (error) {
      if (!(error instanceof NoAnswer) && !isDependencyFailure(error)) throw error;
      // The attempt may still reach the server (a queued command, a lost reply) and take the lease for this token:
      // a release with the same token, sent behind it, gives it back instead of blocking the account for a lease.
      backend.release(accountId, token).catch(() => undefined);
      throw new ServiceUnavailableError(LOCK_UNAVAILABLE_MESSAGE, { cause: error });
    }
    if (fencingToken !== null) return { fencingToken, askedAt };
    if (Date.now() >= deadline) throw new AccountBusyError();
    // Full jitter keeps waiters from retrying in lockstep.
    await sleep(Math.random() * options.retryMs * 2);
  }
}

/** The lock server did not answer one call within its time. */
class NoAnswer extends Error {
  constructor(ms: number) {
    super(`the lock server did not answer within ${ms} ms`);
    this.name = "NoAnswer";
  }
}

/** `call`'s answer, or NoAnswer after `ms`. The call itself cannot be withdrawn; its late answer is ignored. */
function answerWithin<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(ms)), ms);
  });
  call.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}
