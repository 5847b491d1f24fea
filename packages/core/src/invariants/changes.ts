// What changed since the last pass, read from two append-only tables through a cursor each: entity_history (written
// by database triggers on every insert or update of orders, cash balances and holdings, so no write path, not
// even a hand-typed UPDATE, escapes it) and ledger_entries. Their rows name the accounts and orders a pass must check.
//
// Ids come from a sequence at insert but rows become visible at commit, so a transaction holding id 41 can commit after
// the one holding 42: a plain `id > cursor` read would pass 41 by for ever. As in the order feed (orders/feed.ts), every
// id the cursor skips is kept as a gap, asked for by primary key on each pass until it shows up or its wait is over (a
// rolled-back insert). Unlike the feed's, these gaps are stored with the cursor, so a restart forgets nothing.
import type { DbOrTx } from "@meridian/db";

export type ChangeSource = "history" | "ledger";
export const CHANGE_SOURCES: readonly ChangeSource[] = ["history", "ledger"];

/** Missing id → when to stop waiting for it (epoch ms, database clock). */
export type Gaps = Record<string, number>;

export interface Cursor {
  lastId: bigint;
  gaps: Gaps;
}

export interface ChangeRow {
  id: bigint;
  accountId: string | null;
  orderId: string | null;
}

/** A pass reads at most this many rows per source; the rest waits for the next pass, which starts at once. */
export const CHANGE_BATCH = 5_000;
/** Ids below the newest one that a first pass looks through for transactions still to commit. */
const PRIME_LOOKBACK = 1_000n;
/** A cursor keeps at most this many gaps; past it, the full sweep is the net. */
const MAX_GAPS = 10_000;

const READERS: Record<
  ChangeSource,
  (db: DbOrTx, after: bigint, gapIds: string[], limit: number) => Promise<ChangeRow[]>
> = {
  // The history key is `<account>/<currency|symbol>` for balances, the order id for orders.
  history: (db, after, gapIds, limit) => db.$queryRaw<ChangeRow[]>`
    SELECT id,
           CASE entity WHEN 'orders' THEN new_values->>'account_id'
                       WHEN 'cash_balances' THEN split_part(entity_key, '/', 1)
                       WHEN 'holdings' THEN split_part(entity_key, '/', 1) END AS "accountId",
           CASE entity WHEN 'orders' THEN entity_key END AS "orderId"
      FROM entity_history
     WHERE id > ${after} OR id = ANY(${gapIds}::bigint[])
     ORDER BY id LIMIT ${limit}`,
  ledger: (db, after, gapIds, limit) => db.$queryRaw<ChangeRow[]>`
    SELECT id, account_id::text AS "accountId", order_id::text AS "orderId"
      FROM ledger_entries
     WHERE id > ${after} OR id = ANY(${gapIds}::bigint[])
     ORDER BY id LIMIT ${limit}`,
};

const NEWEST: Record<ChangeSource, (db: DbOrTx) => Promise<bigint>> = {
  history: async (db) =>
    (await db.$queryRaw<{ id: bigint | null }[]>`SELECT max(id) AS id FROM entity_history`)[0]?.id ?? 0n,
  ledger: async (db) =>
    (await db.$queryRaw<{ id: bigint | null }[]>`SELECT max(id) AS id FROM ledger_entries`)[0]?.id ?? 0n,
};

/** Ids only (an index-only read), for moving a cursor without looking at what the rows say. */
const IDS: Record<ChangeSource, (db: DbOrTx, after: bigint, limit: number) => Promise<{ id: bigint }[]>> = {
  history: (db, after, limit) =>
    db.$queryRaw`SELECT id FROM entity_history WHERE id > ${after} ORDER BY id LIMIT ${limit}`,
  ledger: (db, after, limit) =>
    db.$queryRaw`SELECT id FROM ledger_entries WHERE id > ${after} ORDER BY id LIMIT ${limit}`,
};
const FAST_FORWARD_CHUNK = 50_000;

/** Rows past the cursor and late arrivals in its gaps, and the cursor moved over them. */
export async function readChanges(
  db: DbOrTx,
  source: ChangeSource,
  cursor: Cursor,
  clock: { nowMs: number; gapWaitMs: number },
): Promise<{ rows: ChangeRow[]; cursor: Cursor; full: boolean }> {
  const live = Object.fromEntries(Object.entries(cursor.gaps).filter(([, waitUntil]) => waitUntil > clock.nowMs));
  const rows = await READERS[source](db, cursor.lastId, Object.keys(live), CHANGE_BATCH);
  const moved = advance(
    { lastId: cursor.lastId, gaps: live },
    rows.map((row) => row.id),
    clock.nowMs + clock.gapWaitMs,
  );
  return { rows, cursor: moved, full: rows.length === CHANGE_BATCH };
}

/**
 * A first pass starts at the newest row (the full sweep that comes with it has read everything before), with the ids
 * missing just below it kept as gaps: they may be commits still to come.
 */
export async function primeCursor(
  db: DbOrTx,
  source: ChangeSource,
  clock: { nowMs: number; gapWaitMs: number },
): Promise<Cursor> {
  const newest = await NEWEST[source](db);
  const floor = newest > PRIME_LOOKBACK ? newest - PRIME_LOOKBACK : 0n;
  const rows = await READERS[source](db, floor, [], Number(PRIME_LOOKBACK) + 1);
  return advance(
    { lastId: floor, gaps: {} },
    rows.map((row) => row.id).filter((id) => id <= newest),
    clock.nowMs + clock.gapWaitMs,
  );
}

/**
 * For a full sweep, which reads every row as it is now: the cursor moves to the newest row without reading what the
 * rows in between say (a backlog after a bulk load or downtime costs one pass, not one per batch). Ids missing on the
 * way are kept as gaps, as in any read. Returns the cursor and how many ids it passed.
 */
export async function fastForward(
  db: DbOrTx,
  source: ChangeSource,
  cursor: Cursor,
  clock: { nowMs: number; gapWaitMs: number },
): Promise<{ cursor: Cursor; passed: number }> {
  let moved: Cursor = {
    lastId: cursor.lastId,
    gaps: Object.fromEntries(Object.entries(cursor.gaps).filter(([, waitUntil]) => waitUntil > clock.nowMs)),
  };
  let passed = 0;
  for (;;) {
    const ids = (await IDS[source](db, moved.lastId, FAST_FORWARD_CHUNK)).map((row) => row.id);
    moved = advance(moved, ids, clock.nowMs + clock.gapWaitMs);
    passed += ids.length;
    if (ids.length < FAST_FORWARD_CHUNK) return { cursor: moved, passed };
  }
}

/** Moves the cursor over `ids` (ascending), keeping every id it skips as a gap and dropping gaps that arrived. */
export function advance(cursor: Cursor, ids: bigint[], waitUntil: number): Cursor {
  const gaps = { ...cursor.gaps };
  let lastId = cursor.lastId;
  for (const id of ids) {
    if (id <= lastId) {
      delete gaps[id.toString()];
      continue;
    }
    for (let missing = lastId + 1n; missing < id && Object.keys(gaps).length < MAX_GAPS; missing += 1n)
      gaps[missing.toString()] = waitUntil;
    lastId = id;
  }
  return { lastId, gaps };
}
