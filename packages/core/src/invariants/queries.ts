// What the console and /health read about the checker: the open violations, the recently resolved ones, and what the
// last passes cost. Plain JSON shapes (dates as ISO-8601 strings).
import type { DbOrTx } from "@meridian/db";
import { INVARIANT_MEANINGS, type InvariantCode } from "./codes";
import type { TInvariantViolationsInput } from "./invariants.schema";
import { CHECKER_NAME } from "./pass";

export interface ViolationView {
  id: string;
  invariant: InvariantCode;
  meaning: string;
  accountId: string | null;
  accountNo: string | null;
  orderId: string | null;
  message: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

export interface CheckerView {
  lastPassAt: string | null;
  lastPassMs: number | null;
  lastPassKind: string | null;
  accountsChecked: number;
  ordersChecked: number;
  rowsRead: number;
  lastFullSweepAt: string | null;
  lastFullSweepMs: number | null;
}

export interface InvariantsReport {
  open: ViolationView[];
  resolved: ViolationView[];
  /** Null until the `invariants` worker role has run once. */
  checker: CheckerView | null;
}

const DEFAULT_LIMIT = 200;
const HOUR_MS = 60 * 60_000;

export async function listInvariantViolations(
  db: DbOrTx,
  input: TInvariantViolationsInput = {},
): Promise<InvariantsReport> {
  const take = input.limit ?? DEFAULT_LIMIT;
  const resolvedSince = new Date(Date.now() - (input.resolvedWithinHours ?? 24) * HOUR_MS);
  const [open, resolved, checker] = await Promise.all([
    db.invariantViolation.findMany({
      where: { resolvedAt: null },
      orderBy: [{ firstSeenAt: "desc" }, { id: "desc" }],
      take,
    }),
    db.invariantViolation.findMany({
      where: { resolvedAt: { gte: resolvedSince } },
      orderBy: [{ resolvedAt: "desc" }, { id: "desc" }],
      take,
    }),
    checkerView(db),
  ]);
  const accountNos = await accountNumbers(
    db,
    [...open, ...resolved].map((row) => row.accountId),
  );
  const view = (row: (typeof open)[number]): ViolationView => ({
    id: row.id.toString(),
    invariant: row.invariant as InvariantCode,
    meaning: INVARIANT_MEANINGS[row.invariant as InvariantCode] ?? row.invariant,
    accountId: row.accountId,
    accountNo: row.accountId ? (accountNos.get(row.accountId) ?? null) : null,
    orderId: row.orderId,
    message: row.message,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  });
  return { open: open.map(view), resolved: resolved.map(view), checker };
}

export async function countOpenViolations(db: DbOrTx): Promise<number> {
  return db.invariantViolation.count({ where: { resolvedAt: null } });
}

export interface InvariantsHealth {
  /** False while any violation is open. */
  ok: boolean;
  open: number;
  checker: CheckerView | null;
}

/** For the worker's GET /health. */
export async function invariantsHealth(db: DbOrTx): Promise<InvariantsHealth> {
  const [open, checker] = await Promise.all([countOpenViolations(db), checkerView(db)]);
  return { ok: open === 0, open, checker };
}

async function checkerView(db: DbOrTx): Promise<CheckerView | null> {
  const row = await db.invariantCheck.findUnique({ where: { name: CHECKER_NAME } });
  if (!row?.lastPassAt) return null;
  return {
    lastPassAt: row.lastPassAt.toISOString(),
    lastPassMs: row.lastPassMs,
    lastPassKind: row.lastPassKind,
    accountsChecked: row.lastAccountsChecked,
    ordersChecked: row.lastOrdersChecked,
    rowsRead: row.lastRowsRead,
    lastFullSweepAt: row.lastFullSweepAt?.toISOString() ?? null,
    lastFullSweepMs: row.lastFullSweepMs,
  };
}

async function accountNumbers(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!unique.length) return new Map();
  const accounts = await db.account.findMany({ where: { id: { in: unique } }, select: { id: true, accountNo: true } });
  return new Map(accounts.map((account) => [account.id, account.accountNo]));
}
