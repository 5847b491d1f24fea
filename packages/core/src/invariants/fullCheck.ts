// The full check: every invariant over every account and order, as tests run it after a scenario and as the worker's
// safety-net sweep runs it. Same statements as the incremental pass (checks.ts), with no scope.
import type { DbOrTx } from "@meridian/db";
import { INVARIANT_CHECKS, findViolations } from "./checks";
import { LEDGER_INVARIANTS, type InvariantCode, type Violation } from "./codes";

/** How long an execution may wait for the ledger before it counts as unbooked. */
export const DEFAULT_GRACE_MS = 60_000;

export interface FullCheckOptions {
  graceMs?: number;
  /** Only these invariants (all when omitted). */
  only?: readonly InvariantCode[];
}

export async function checkAllInvariants(db: DbOrTx, options: FullCheckOptions = {}): Promise<Violation[]> {
  const receiptCutoff = await databaseTimeAgo(db, options.graceMs ?? DEFAULT_GRACE_MS);
  const checks = options.only
    ? INVARIANT_CHECKS.filter((check) => options.only!.includes(check.invariant))
    : INVARIANT_CHECKS;
  return findViolations(db, "all", { receiptCutoff }, checks);
}

/**
 * The balances and holds as sentences (balances = Σ entries, holds = Σ orders' holds, nothing negative, closed orders
 * hold nothing): what the scenario tests assert is empty. checkAllInvariants adds filled = Σ booked executions, no
 * trade unbooked and no order open here that the broker closed.
 */
export async function findLedgerViolations(db: DbOrTx): Promise<string[]> {
  const violations = await checkAllInvariants(db, { only: LEDGER_INVARIANTS });
  return violations.map(describeViolation);
}

export function describeViolation(violation: Violation): string {
  const about = violation.orderId ? `order ${violation.orderId}` : `account ${violation.accountId}`;
  return `${violation.invariant} ${about}: ${violation.message}`;
}

/** The database's clock, `ms` ago: receipts are stamped by it, so the grace period is measured on it too. */
export async function databaseTimeAgo(db: DbOrTx, ms: number): Promise<Date> {
  const [row] = await db.$queryRaw<
    { at: Date }[]
  >`SELECT clock_timestamp() - make_interval(secs => ${ms / 1000}) AS at`;
  return row!.at;
}
