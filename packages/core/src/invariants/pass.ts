// One pass of the production checker. Incremental: the accounts and orders that changed since the last pass (read
// through the cursors of changes.ts), the orders whose executions left their grace period since then, the orders
// reconciliation has an open proposal for, and everything an open violation is about. Its cost follows the activity
// since the last pass, not the size of the history. Every `fullSweepMs` (and on the very first pass) the scope is
// everything instead: the net under the cursors (a transaction that outlived its gap's wait, a row changed by a path
// no cursor reads, such as a reservation record alone).
//
// The pass runs in one transaction holding the checker's row lock: two workers running the role never pass at once
// (the second skips), and the cursors, the violations and the figures commit together.
import type { DbOrTx, PrismaClient, Tx } from "@meridian/db";
import {
  CHANGE_SOURCES,
  fastForward,
  primeCursor,
  readChanges,
  type ChangeSource,
  type Cursor,
  type Gaps,
} from "./changes";
import { findViolations, type Scope } from "./checks";
import type { Violation } from "./codes";
import type { InvariantsOptions } from "./options";
import { openViolations, settleViolations, type OpenViolation } from "./violations";

export const CHECKER_NAME = "invariants";

export type PassOptions = Pick<InvariantsOptions, "graceMs" | "fullSweepMs" | "gapWaitMs"> & {
  /** Check everything now, whatever the schedule says. */
  full?: boolean;
};

export interface PassResult {
  kind: "incremental" | "full";
  /** How many accounts and orders the checks looked at: the measure of a pass's cost. */
  accountsChecked: number;
  ordersChecked: number;
  /** Change rows read to find them. */
  rowsRead: number;
  open: number;
  opened: Violation[];
  resolved: number;
  durationMs: number;
  /** More changes wait than one pass reads: the next pass should start at once. */
  behind: boolean;
}

type CheckerState = NonNullable<Awaited<ReturnType<typeof claimChecker>>>;
type Cursors = Record<ChangeSource, Cursor>;

/** Runs one pass; null when another worker's pass holds the checker. */
export async function runInvariantPass(prisma: PrismaClient, options: PassOptions): Promise<PassResult | null> {
  // A full sweep of a large history may take minutes; the row lock it holds only keeps other passes waiting.
  return prisma.$transaction((tx) => passInTransaction(tx, options), { timeout: 15 * 60_000, maxWait: 30_000 });
}

async function passInTransaction(tx: Tx, options: PassOptions): Promise<PassResult | null> {
  const startedAt = performance.now();
  const state = await claimChecker(tx);
  if (!state) return null;
  const now = await databaseNow(tx);
  const clock = { nowMs: now.getTime(), gapWaitMs: options.gapWaitMs };
  const receiptCutoff = new Date(Math.max(now.getTime() - options.graceMs, state.receiptCutoff?.getTime() ?? 0));
  const first = state.lastPassAt === null;
  const full =
    first ||
    options.full === true ||
    !state.lastFullSweepAt ||
    now.getTime() - state.lastFullSweepAt.getTime() >= options.fullSweepMs;

  const open = await openViolations(tx);
  // Changes are read before the checks run, so whatever the checks do not see yet is still ahead of the cursors.
  const changes = first
    ? await primeCursors(tx, clock)
    : full
      ? await fastForwardCursors(tx, storedCursors(state), clock)
      : await readAllChanges(tx, storedCursors(state), clock);
  const aged = full
    ? { orderIds: [], rowsRead: 0 }
    : await ordersWithReceiptsAged(tx, state.receiptCutoff, receiptCutoff);
  const scope: Scope = full
    ? "all"
    : incrementalScope(open, changes.accountIds, [
        ...changes.orderIds,
        ...aged.orderIds,
        ...(await ordersWithOpenProposals(tx)),
      ]);

  const found = await findViolations(tx, scope, { receiptCutoff });
  const settled = await settleViolations(tx, open, found, now);
  const checked =
    scope === "all" ? await countEverything(tx) : { accounts: scope.accountIds.length, orders: scope.orderIds.length };
  const result: PassResult = {
    kind: full ? "full" : "incremental",
    accountsChecked: checked.accounts,
    ordersChecked: checked.orders,
    rowsRead: changes.rowsRead + aged.rowsRead,
    ...settled,
    durationMs: Math.round(performance.now() - startedAt),
    behind: changes.behind,
  };
  await saveState(tx, { cursors: changes.cursors, receiptCutoff, now, result });
  return result;
}

/** The checker's row, locked for this pass; null when another pass holds it. */
async function claimChecker(tx: Tx) {
  await tx.$executeRaw`INSERT INTO invariant_checks (name) VALUES (${CHECKER_NAME}) ON CONFLICT DO NOTHING`;
  const locked = await tx.$queryRaw<
    { name: string }[]
  >`SELECT name FROM invariant_checks WHERE name = ${CHECKER_NAME} FOR UPDATE SKIP LOCKED`;
  if (!locked.length) return null;
  return tx.invariantCheck.findUniqueOrThrow({ where: { name: CHECKER_NAME } });
}

async function databaseNow(db: DbOrTx): Promise<Date> {
  const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
  return row!.now;
}

function storedCursors(state: CheckerState): Cursors {
  const gaps = (state.gaps ?? {}) as Partial<Record<ChangeSource, Gaps>>;
  return {
    history: { lastId: state.historyCursor, gaps: gaps.history ?? {} },
    ledger: { lastId: state.ledgerCursor, gaps: gaps.ledger ?? {} },
  };
}

interface Changes {
  cursors: Cursors;
  accountIds: string[];
  orderIds: string[];
  rowsRead: number;
  behind: boolean;
}

async function primeCursors(tx: Tx, clock: { nowMs: number; gapWaitMs: number }): Promise<Changes> {
  const cursors = { history: await primeCursor(tx, "history", clock), ledger: await primeCursor(tx, "ledger", clock) };
  return { cursors, accountIds: [], orderIds: [], rowsRead: 0, behind: false };
}

/** A full sweep checks everything as it is now: the cursors only need to move past what it will have seen. */
async function fastForwardCursors(
  tx: Tx,
  cursors: Cursors,
  clock: { nowMs: number; gapWaitMs: number },
): Promise<Changes> {
  const history = await fastForward(tx, "history", cursors.history, clock);
  const ledger = await fastForward(tx, "ledger", cursors.ledger, clock);
  return {
    cursors: { history: history.cursor, ledger: ledger.cursor },
    accountIds: [],
    orderIds: [],
    rowsRead: history.passed + ledger.passed,
    behind: false,
  };
}

/** The accounts and orders the change rows name, and the cursors moved past them. */
async function readAllChanges(tx: Tx, cursors: Cursors, clock: { nowMs: number; gapWaitMs: number }): Promise<Changes> {
  const accountIds = new Set<string>();
  const orderIds = new Set<string>();
  const moved = { ...cursors };
  let rowsRead = 0;
  let behind = false;
  for (const source of CHANGE_SOURCES) {
    const read = await readChanges(tx, source, cursors[source], clock);
    for (const row of read.rows) {
      if (row.accountId) accountIds.add(row.accountId);
      if (row.orderId) orderIds.add(row.orderId);
    }
    moved[source] = read.cursor;
    rowsRead += read.rows.length;
    behind ||= read.full;
  }
  return { cursors: moved, accountIds: [...accountIds], orderIds: [...orderIds], rowsRead, behind };
}

/** Orders with an execution that left its grace period since the last pass: now an unbooked one is a violation. */
async function ordersWithReceiptsAged(
  tx: Tx,
  since: Date | null,
  until: Date,
): Promise<{ orderIds: string[]; rowsRead: number }> {
  if (!since || since >= until) return { orderIds: [], rowsRead: 0 };
  const rows = await tx.$queryRaw<{ order_id: string }[]>`
    SELECT order_id::text FROM execution_receipts WHERE received_at > ${since} AND received_at <= ${until}`;
  return { orderIds: rows.map((row) => row.order_id), rowsRead: rows.length };
}

/** Orders reconciliation holds an undecided proposal for: few at any time, and what "closed at the broker" reads. */
async function ordersWithOpenProposals(tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<{ order_id: string }[]>`
    SELECT DISTINCT order_id::text FROM recon_items WHERE status = 'PROPOSED' AND order_id IS NOT NULL`;
  return rows.map((row) => row.order_id);
}

/** What changed, plus what every open violation is about (so a fix is seen, and resolves it). */
function incrementalScope(open: OpenViolation[], accountIds: string[], orderIds: string[]): Scope {
  const accounts = new Set(accountIds);
  const orders = new Set(orderIds);
  for (const violation of open) {
    if (violation.orderId) orders.add(violation.orderId);
    else if (violation.accountId) accounts.add(violation.accountId);
  }
  return { accountIds: [...accounts], orderIds: [...orders] };
}

async function countEverything(tx: Tx): Promise<{ accounts: number; orders: number }> {
  const [row] = await tx.$queryRaw<
    { accounts: bigint; orders: bigint }[]
  >`SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM orders) AS orders`;
  return { accounts: Number(row!.accounts), orders: Number(row!.orders) };
}

async function saveState(
  tx: Tx,
  pass: { cursors: Cursors; receiptCutoff: Date; now: Date; result: PassResult },
): Promise<void> {
  const { cursors, result } = pass;
  await tx.invariantCheck.update({
    where: { name: CHECKER_NAME },
    data: {
      historyCursor: cursors.history.lastId,
      ledgerCursor: cursors.ledger.lastId,
      gaps: { history: cursors.history.gaps, ledger: cursors.ledger.gaps },
      receiptCutoff: pass.receiptCutoff,
      lastPassAt: pass.now,
      lastPassMs: result.durationMs,
      lastPassKind: result.kind,
      lastAccountsChecked: result.accountsChecked,
      lastOrdersChecked: result.ordersChecked,
      lastRowsRead: result.rowsRead,
      ...(result.kind === "full" ? { lastFullSweepAt: pass.now, lastFullSweepMs: result.durationMs } : {}),
    },
  });
}
