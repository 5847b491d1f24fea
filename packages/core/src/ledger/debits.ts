// What an account owes. Every trade the broker made is booked, also one the account cannot cover (a late fill on an
// order we had closed, a fill above its hold), and free cash or free shares never go below zero: the shortfall is the
// account's debit (cash_balances.debit, holdings.debit_quantity), a balance of its own that later credits repay first.
// The balance equation keeps its meaning with the debit counted against it: available + held − debit = Σ the
// currency's entries (free + held − debitQuantity for a symbol). The debit itself is the sum of the entries of its own
// ledger asset ("USD:DEBIT", "AAPL:DEBIT"; kinds DEBIT and DEBIT_REPAID), which say when it arose, by which fill, and
// how it was repaid.
import type { Tx } from "@meridian/db";
import { appendLedgerEntries } from "../shared/appendOnly";
import { minDec, ZERO, type Decimal } from "../shared/money";

/** A debit in `asset` (a currency or a symbol) is booked under `asset` + this, e.g. "USD:DEBIT". */
export const DEBIT_ASSET_SUFFIX = ":DEBIT";

export function debitAssetOf(asset: string): string {
  return `${asset}${DEBIT_ASSET_SUFFIX}`;
}

/** Ledger assets counted in money (cash and a cash debit), as opposed to shares and points. */
export function isCashAsset(asset: string): boolean {
  return asset === "USD" || asset === debitAssetOf("USD");
}

/** What a ledger entry is about, besides its asset and amount. */
export interface EntryRef {
  accountId: string;
  orderId?: string;
  executionId?: string;
}

/** What a fill left the account owing that it did not owe before: zero when its holds and free balances covered it. */
export interface FillDebit {
  cash: Decimal;
  shares: Decimal;
}

/**
 * A free balance after a change, netted against the debit: a shortfall (below zero) adds to the debit and leaves zero
 * free; a surplus repays the debit first. So a debit and a free balance never exist side by side.
 */
export function netAgainstDebit(free: Decimal, debit: Decimal): { free: Decimal; debit: Decimal } {
  if (free.lessThan(0)) return { free: ZERO, debit: debit.minus(free) };
  const repaid = minDec(free, debit);
  return { free: free.minus(repaid), debit: debit.minus(repaid) };
}

/** A debit's growth; a repayment (a negative change) is no debit incurred. */
export function incurred(debitChange: Decimal): Decimal {
  return debitChange.greaterThan(0) ? debitChange : ZERO;
}

/** Books a change of the debit in `asset` under the debit's own ledger asset. */
export async function recordDebitChange(tx: Tx, ref: EntryRef, asset: string, change: Decimal): Promise<void> {
  if (change.isZero()) return;
  await appendLedgerEntries(tx, [
    {
      accountId: ref.accountId,
      asset: debitAssetOf(asset),
      amount: change,
      kind: change.greaterThan(0) ? "DEBIT" : "DEBIT_REPAID",
      orderId: ref.orderId,
      executionId: ref.executionId,
    },
  ]);
}
