// The promises the books keep, by name. A violation carries one of these stable codes (the console, /health, logs and
// tests match on them), the account and/or order it is about, and a sentence an operator can act on.

export const INVARIANT_CODES = [
  "CASH_BALANCE_NE_LEDGER",
  "HOLDING_NE_LEDGER",
  "HELD_CASH_NE_ORDER_HOLDS",
  "CONVERSION_NE_LEDGER",
  "HELD_SHARES_NE_ORDER_HOLDS",
  "FEE_POINTS_BRANCH_NE_ORDER",
  "NEGATIVE_BALANCE",
  "FILLED_NE_RECEIPTS",
  "TERMINAL_HOLDS",
  "TCC_OPEN_FOR_TERMINAL_ORDER",
  "OPEN_HERE_CLOSED_AT_BROKER",
  "TRADE_UNBOOKED",
] as const;
export type InvariantCode = (typeof INVARIANT_CODES)[number];

export const INVARIANT_MEANINGS: Record<InvariantCode, string> = {
  CASH_BALANCE_NE_LEDGER:
    "Cash (available + held − debit) equals the sum of the account's ledger entries in that currency, and the debit the sum of its own (USD:DEBIT).",
  HOLDING_NE_LEDGER:
    "Shares (free + held − owed) equal the sum of the account's ledger entries in that symbol, and the shares owed the sum of their own (AAPL:DEBIT).",
  HELD_CASH_NE_ORDER_HOLDS:
    "Held cash in a currency equals what its orders hold plus what its conversions waiting for the FX desk hold.",
  CONVERSION_NE_LEDGER:
    "A conversion the FX desk made is booked as exactly two ledger entries (its sell and buy amounts); one not made has none.",
  HELD_SHARES_NE_ORDER_HOLDS: "Held shares of a symbol equal the shares its sell orders hold.",
  FEE_POINTS_BRANCH_NE_ORDER:
    "An order paying commission in points has its branch at the fee points service recorded: TRIED for what it holds plus what it spent while open; once closed, set to Confirm exactly what it spent (Cancel when nothing).",
  NEGATIVE_BALANCE: "No balance (cash or shares; free or held) is below zero.",
  FILLED_NE_RECEIPTS: "An order's filled quantity equals the sum of its executions the ledger booked.",
  TERMINAL_HOLDS: "A closed order (filled, cancelled, rejected, expired) holds no cash, shares or points.",
  TCC_OPEN_FOR_TERMINAL_ORDER: "A closed order's reservation is not still TRYING.",
  OPEN_HERE_CLOSED_AT_BROKER: "No order is open here that the broker closed (as of the last reconciliation run).",
  TRADE_UNBOOKED: "Every execution a broker reported is booked by the ledger within the grace period.",
};

/**
 * The balances and holds: what `findLedgerViolations` has always asserted after every scenario test. The others compare
 * fills with executions, need a clock (the grace period) or read reconciliation's findings, and some scenario tests
 * make such breaks on purpose (for reconciliation to find).
 */
export const LEDGER_INVARIANTS: readonly InvariantCode[] = [
  "CASH_BALANCE_NE_LEDGER",
  "HOLDING_NE_LEDGER",
  "HELD_CASH_NE_ORDER_HOLDS",
  "CONVERSION_NE_LEDGER",
  "HELD_SHARES_NE_ORDER_HOLDS",
  "FEE_POINTS_BRANCH_NE_ORDER",
  "NEGATIVE_BALANCE",
  "TERMINAL_HOLDS",
  "TCC_OPEN_FOR_TERMINAL_ORDER",
];

export interface Violation {
  invariant: InvariantCode;
  accountId?: string;
  orderId?: string;
  /** What within the account or order is broken (a currency, a symbol, a receipt), so one break has one identity. */
  subject?: string;
  message: string;
}

/** The identity of a break across passes: the same invariant on the same thing. */
export function violationFingerprint(violation: Violation): string {
  return [violation.invariant, violation.accountId ?? "-", violation.orderId ?? "-", violation.subject ?? "-"].join(
    ":",
  );
}
