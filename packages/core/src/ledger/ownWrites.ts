// A balance row an UPDATE changed stays locked by the writing transaction until it ends, so nobody else can change it
// meanwhile: reading it back would return exactly what the transaction wrote. The ledger reads its own writes from
// here instead of asking the database again, so a batch of fills for one account reads its cash row once, not once
// per fill. Should anything else in the transaction write the row behind this memo's back, the stale version it holds
// makes the next compare-and-set miss and the transaction run again (retryOnConflict): it can cost a retry, never a
// lost update.
//
// A transaction that applies a batch (settlement/applyExecution.ts) may also defer its writes: each compare-and-set is
// made in memory, and the database gets one per row at the end, from the version the transaction first read to the
// last one (`deferOwnWrites`, `flushOwnWrites`). Row history is then kept per transaction, as Hibernate Envers keeps
// it: one change per row per batch, old → new.
//
// A write undone by ROLLBACK TO SAVEPOINT (a placement refused inside a batch, orders/placementBatcher.ts) is no longer
// true: whoever rolls back calls `forgetOwnWrites`, and the rows are read from the database again.
import type { Tx } from "@meridian/db";
import { ConcurrencyError } from "../shared/errors";

const written = new WeakMap<Tx, Map<string, unknown>>();

/** The row as this transaction last wrote it, or as `read` finds it when the transaction has not written it. */
export async function readOwnWrite<T>(tx: Tx, key: string, read: () => Promise<T>): Promise<T> {
  const memo = written.get(tx);
  if (memo?.has(key)) return memo.get(key) as T;
  return read();
}

export function rememberWrite<T>(tx: Tx, key: string, row: T): void {
  const memo = written.get(tx) ?? new Map<string, unknown>();
  memo.set(key, row);
  written.set(tx, memo);
}

/** Forgets what this transaction wrote: after a ROLLBACK TO SAVEPOINT some of it is undone, so read it all again. */
export function forgetOwnWrites(tx: Tx): void {
  written.delete(tx);
}

/** A row's compare-and-set: from `fromVersion` to `row` (its values and version); the row written, or none on a miss. */
export type CompareAndSet<Row> = (fromVersion: number, row: Row) => Promise<Row | undefined>;

interface DeferredWrite {
  fromVersion: number;
  /** The compare-and-set of the row as last written, from a version. */
  write: (fromVersion: number) => Promise<unknown>;
  what: [string, string];
}

const deferred = new WeakMap<Tx, Map<string, DeferredWrite>>();

/** From here until `flushOwnWrites`, this transaction's row writes wait in memory. */
export function deferOwnWrites(tx: Tx): void {
  deferred.set(tx, new Map());
}

/**
 * Writes `current` changed by `values`, by compare-and-set on its version: at once, or — deferring — in memory. A miss
 * is a ConcurrencyError naming `what` (the table and the row).
 */
export async function writeOwnRow<Row extends { version: number }>(
  tx: Tx,
  key: string,
  current: Row,
  values: Partial<Row>,
  write: CompareAndSet<Row>,
  what: [string, string],
): Promise<void> {
  const next = { ...current, ...values, version: current.version + 1 };
  const waiting = deferred.get(tx);
  if (waiting) {
    const earlier = waiting.get(key);
    waiting.set(key, {
      fromVersion: earlier?.fromVersion ?? current.version,
      write: (fromVersion) => write(fromVersion, next),
      what,
    });
    rememberWrite(tx, key, next);
    return;
  }
  const written = await write(current.version, next);
  if (!written) throw new ConcurrencyError(...what);
  rememberWrite(tx, key, written);
}

/** Writes what waited: one compare-and-set per row; the transaction writes at once from here on. */
export async function flushOwnWrites(tx: Tx): Promise<void> {
  const waiting = deferred.get(tx);
  deferred.delete(tx);
  for (const [key, { fromVersion, write, what }] of waiting ?? []) {
    const written = await write(fromVersion);
    if (!written) throw new ConcurrencyError(...what);
    rememberWrite(tx, key, written);
  }
}
