// A balance row an UPDATE changed stays locked by the writing transaction until it ends, so nobody else can change it
// meanwhile: reading it back would return exactly what the transaction wrote. The ledger reads its own writes from
// here instead of asking the database again, so a batch of fills for one account reads its cash row once, not once
// per fill. Should anything else in the transaction write the row behind this memo's back, the stale version it holds
// makes the next compare-and-set miss and the transaction run again (retryOnConflict): it can cost a retry, never a
// lost update.
//
// A write undone by ROLLBACK TO SAVEPOINT (a placement refused inside a batch, orders/placementBatcher.ts) is no longer
// true: whoever rolls back calls `forgetOwnWrites`, and the rows are read from the database again.
import type { Tx } from "@meridian/db";

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
