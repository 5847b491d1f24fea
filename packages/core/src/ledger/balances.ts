// The ledger module owns cash_balances, holdings and ledger_entries. Every change here is a compare-and-set on the
// row's version, and every change of a total is an appended ledger entry, so balance = sum of entries always holds.
//
// Every trade the broker made is booked, also one the account cannot cover: free cash and free shares never go below
// zero, the shortfall becomes the account's debit (debits.ts), and later credits repay it first.
import type { Tx } from "@meridian/db";
import { DomainError } from "../shared/errors";
import { amountText, money, qty, ZERO, type Decimal } from "../shared/money";
import { incurred, netAgainstDebit, recordDebitChange, type EntryRef, type FillDebit } from "./debits";
import { readOwnWrite, rememberWrite, writeOwnRow } from "./ownWrites";
import { appendLedgerEntries } from "../shared/appendOnly";

export const CASH = "USD";
/** Won: what customers deposit; converted to and from USD at the FX desk (fx/). No minor unit. */
export const WON = "KRW";
export type CashCurrency = typeof CASH | typeof WON;
/** Fee points in ledger entries written before the points service held them (1 point pays 1 cent of commission). */
export const POINTS = "POINTS";

const cashKey = (accountId: string, currency: CashCurrency = CASH) => `cash:${accountId}:${currency}`;
const holdingKey = (accountId: string, symbol: string) => `holding:${accountId}:${symbol}`;

async function readCash(tx: Tx, accountId: string, currency: CashCurrency = CASH) {
  const cash = await readOwnWrite(tx, cashKey(accountId, currency), () =>
    tx.cashBalance.findUnique({ where: { accountId_currency: { accountId, currency } } }),
  );
  if (!cash)
    throw new DomainError("PRECONDITION_FAILED", `This account has no ${currency} balance yet. Deposit funds first.`);
  return cash;
}

type CashRow = Awaited<ReturnType<typeof readCash>>;

async function writeCash(
  tx: Tx,
  cash: CashRow,
  values: { available: Decimal; held: Decimal; debit?: Decimal },
): Promise<void> {
  const currency = cash.currency as CashCurrency;
  await writeOwnRow(
    tx,
    cashKey(cash.accountId, currency),
    cash,
    values,
    async (fromVersion, row) =>
      (
        await tx.cashBalance.updateManyAndReturn({
          where: { accountId: cash.accountId, currency, version: fromVersion },
          data: { available: row.available, held: row.held, debit: row.debit, version: row.version },
        })
      )[0],
    ["cash balance", cash.accountId],
  );
}

/**
 * Changes available and held cash by the given amounts in one write. Available never goes below zero: what it cannot
 * cover becomes the debit; money arriving in available repays an open debit first. Returns the debit it added.
 */
async function moveCash(
  tx: Tx,
  ref: EntryRef,
  change: { available: Decimal; held: Decimal },
  currency: CashCurrency = CASH,
): Promise<Decimal> {
  const cash = await readCash(tx, ref.accountId, currency);
  const next = netAgainstDebit(cash.available.plus(change.available), cash.debit);
  await writeCash(tx, cash, {
    available: next.free,
    held: cash.held.plus(change.held),
    debit: next.debit,
  });
  const debitChange = next.debit.minus(cash.debit);
  await recordDebitChange(tx, ref, currency, debitChange);
  return debitChange;
}

async function readHolding(tx: Tx, accountId: string, symbol: string) {
  return readOwnWrite(tx, holdingKey(accountId, symbol), () =>
    tx.holding.findUnique({ where: { accountId_symbol: { accountId, symbol } } }),
  );
}

type HoldingRow = NonNullable<Awaited<ReturnType<typeof readHolding>>>;

async function writeHolding(
  tx: Tx,
  holding: HoldingRow,
  values: { quantity: Decimal; heldQuantity: Decimal; costBasis: Decimal; debitQuantity?: Decimal },
): Promise<void> {
  await writeOwnRow(
    tx,
    holdingKey(holding.accountId, holding.symbol),
    holding,
    values,
    async (fromVersion, row) =>
      (
        await tx.holding.updateManyAndReturn({
          where: { accountId: holding.accountId, symbol: holding.symbol, version: fromVersion },
          data: {
            quantity: row.quantity,
            heldQuantity: row.heldQuantity,
            costBasis: row.costBasis,
            debitQuantity: row.debitQuantity,
            version: row.version,
          },
        })
      )[0],
    ["holding", `${holding.accountId}/${holding.symbol}`],
  );
}

/**
 * Moves `amount` from available to held cash; refuses when buying power is short. One statement: the condition on
 * available is checked by the update itself (a relative update cannot lose a concurrent one, and bumps the version
 * for every compare-and-set after it); the row is read only to explain a refusal.
 */
export async function holdCash(tx: Tx, accountId: string, amount: Decimal): Promise<void> {
  if (await tryHoldCash(tx, accountId, CASH, amount)) return;
  const cash = await readCash(tx, accountId);
  const owed = cash.debit.greaterThan(0)
    ? ` Your account owes $${money(cash.debit)} from a trade it could not cover; deposit that first.`
    : "";
  throw new DomainError(
    "BAD_REQUEST",
    `Not enough buying power: this order needs $${money(amount)} (including commission and a price buffer) and $${money(cash.available)} is available. Lower the quantity or use a limit price.${owed}`,
    "quantity",
  );
}

/** The conditional hold in one statement; false (nothing written) when available is short. */
async function tryHoldCash(tx: Tx, accountId: string, currency: CashCurrency, amount: Decimal): Promise<boolean> {
  const [written] = await tx.cashBalance.updateManyAndReturn({
    where: { accountId, currency, available: { gte: amount } },
    data: { available: { decrement: amount }, held: { increment: amount }, version: { increment: 1 } },
  });
  if (written) rememberWrite(tx, cashKey(accountId, currency), written);
  return written !== undefined;
}

/**
 * Holds what a conversion sells until the FX desk has answered (fx/): the customer cannot spend it twice meanwhile.
 * Refuses when the free balance is short.
 */
export async function holdForConversion(
  tx: Tx,
  accountId: string,
  currency: CashCurrency,
  amount: Decimal,
): Promise<void> {
  if (await tryHoldCash(tx, accountId, currency, amount)) return;
  const cash = await tx.cashBalance.findUnique({ where: { accountId_currency: { accountId, currency } } });
  throw notEnoughCash(currency, amount, cash?.available ?? ZERO);
}

/** The refusal of a conversion or exchange the free balance cannot cover, with what to do about it. */
export function notEnoughCash(currency: CashCurrency, needed: Decimal, available: Decimal): DomainError {
  return new DomainError(
    "BAD_REQUEST",
    currency === WON
      ? `Not enough won: this needs ${amountText(WON, needed)} and ${amountText(WON, available)} is available. Lower the amount or deposit won first.`
      : `Not enough dollars: this needs ${amountText(CASH, needed)} and ${amountText(CASH, available)} is available. Lower the amount.`,
    "amount",
  );
}

/** A conversion the desk did not make: what it held for it goes back to available (repaying a debit first). */
export async function releaseConversionHold(
  tx: Tx,
  ref: EntryRef,
  currency: CashCurrency,
  amount: Decimal,
): Promise<void> {
  await moveCash(tx, ref, { available: amount, held: amount.negated() }, currency);
}

/**
 * A conversion the desk made: the sold amount leaves the hold, the bought amount arrives in available (repaying a
 * debit in that currency first), and one ledger entry per currency records it, tied to the conversion.
 */
export async function bookConversion(
  tx: Tx,
  conversion: {
    accountId: string;
    conversionId: string;
    sell: { currency: CashCurrency; amount: Decimal };
    buy: { currency: CashCurrency; amount: Decimal };
  },
): Promise<void> {
  const { accountId, conversionId, sell, buy } = conversion;
  await appendLedgerEntries(tx, [
    { accountId, asset: sell.currency, amount: sell.amount.negated(), kind: "FX_SELL", conversionId },
    { accountId, asset: buy.currency, amount: buy.amount, kind: "FX_BUY", conversionId },
  ]);
  await moveCash(tx, { accountId }, { available: ZERO, held: sell.amount.negated() }, sell.currency);
  // An account's first dollars (or first won) open its balance in that currency.
  await tx.cashBalance.createMany({
    data: [{ accountId, currency: buy.currency, available: ZERO }],
    skipDuplicates: true,
  });
  await moveCash(tx, { accountId }, { available: buy.amount, held: ZERO }, buy.currency);
}

/** Moves `amount` back from held to available cash; an open debit is repaid from it first. */
export async function releaseCash(tx: Tx, accountId: string, amount: Decimal, orderId?: string): Promise<void> {
  if (amount.isZero()) return;
  await moveCash(tx, { accountId, orderId }, { available: amount, held: amount.negated() });
}

/** Reserves shares for a sell; refuses when the free quantity is short. */
export async function holdShares(tx: Tx, accountId: string, symbol: string, quantity: Decimal): Promise<void> {
  const holding = await readHolding(tx, accountId, symbol);
  const free = holding?.quantity ?? ZERO;
  if (!holding || free.lessThan(quantity)) {
    const owed = holding?.debitQuantity.greaterThan(0)
      ? ` Your account owes ${qty(holding.debitQuantity)} ${symbol} from a sale it could not cover.`
      : "";
    throw new DomainError(
      "BAD_REQUEST",
      `You can sell at most ${qty(free)} ${symbol} (shares in open sell orders are reserved). Lower the quantity.${owed}`,
      "quantity",
    );
  }
  await writeHolding(tx, holding, {
    quantity: free.minus(quantity),
    heldQuantity: holding.heldQuantity.plus(quantity),
    costBasis: holding.costBasis,
  });
}

/** Moves reserved shares back to free; shares owed are repaid from them first, taking their cost with them. */
export async function releaseShares(
  tx: Tx,
  accountId: string,
  symbol: string,
  quantity: Decimal,
  orderId?: string,
): Promise<void> {
  if (quantity.isZero()) return;
  const holding = await readHolding(tx, accountId, symbol);
  if (!holding) throw new Error(`No holding ${symbol} on ${accountId} to release ${qty(quantity)} shares to`);
  const next = netAgainstDebit(holding.quantity.plus(quantity), holding.debitQuantity);
  const repaid = holding.debitQuantity.minus(next.debit);
  const costRepaid = costShare(holding.costBasis, repaid, holding.quantity.plus(holding.heldQuantity));
  await writeHolding(tx, holding, {
    quantity: next.free,
    heldQuantity: holding.heldQuantity.minus(quantity),
    debitQuantity: next.debit,
    costBasis: holding.costBasis.minus(costRepaid),
  });
  await recordDebitChange(tx, { accountId, orderId }, symbol, repaid.negated());
}

/** Average-cost method: `quantity` of `owned` shares take their proportional share of the cost basis with them. */
function costShare(costBasis: Decimal, quantity: Decimal, owned: Decimal): Decimal {
  return owned.isZero() ? ZERO : costBasis.times(quantity).dividedBy(owned).toDecimalPlaces(4);
}

export interface Settlement {
  accountId: string;
  orderId: string;
  executionId: string;
  symbol: string;
  quantity: Decimal;
  notional: Decimal;
  commission: Decimal;
}

/**
 * A buy fill: pays notional + commission, first from the order's held cash (up to `fromHold`), the rest from available
 * cash, and what that cannot cover becomes a debit; adds the shares (repaying shares owed first).
 */
export async function settleBuy(tx: Tx, fill: Settlement & { fromHold: Decimal }): Promise<FillDebit> {
  const cost = fill.notional.plus(fill.commission);
  await appendEntries(tx, fill, [
    { asset: CASH, amount: fill.notional.negated(), kind: "BUY" },
    { asset: CASH, amount: fill.commission.negated(), kind: "COMMISSION" },
    { asset: fill.symbol, amount: fill.quantity, kind: "BUY" },
  ]);
  const cashDebitChange = await moveCash(tx, fill, {
    available: fill.fromHold.minus(cost),
    held: fill.fromHold.negated(),
  });
  await addShares(tx, fill, cost);
  return { cash: incurred(cashDebitChange), shares: ZERO };
}

async function addShares(tx: Tx, fill: Settlement, cost: Decimal): Promise<void> {
  const holding = await readHolding(tx, fill.accountId, fill.symbol);
  if (!holding) {
    const created = await tx.holding.create({
      data: { accountId: fill.accountId, symbol: fill.symbol, quantity: fill.quantity, costBasis: cost },
    });
    rememberWrite(tx, holdingKey(fill.accountId, fill.symbol), created);
    return;
  }
  const next = netAgainstDebit(holding.quantity.plus(fill.quantity), holding.debitQuantity);
  const repaid = holding.debitQuantity.minus(next.debit);
  // Shares that repay a debit leave again at once: only the ones kept add their cost to the basis.
  const costKept = costShare(cost, fill.quantity.minus(repaid), fill.quantity);
  await writeHolding(tx, holding, {
    quantity: next.free,
    heldQuantity: holding.heldQuantity,
    debitQuantity: next.debit,
    costBasis: holding.costBasis.plus(costKept),
  });
  await recordDebitChange(tx, fill, fill.symbol, repaid.negated());
}

/**
 * A sell fill: takes the shares from the order's reserved quantity (up to `fromHold`), the rest from the free shares
 * (a late fill: the order holds none any more), and what is not there becomes a share debit; credits notional −
 * commission, which repays a cash debit first.
 */
export async function settleSell(tx: Tx, fill: Settlement & { fromHold: Decimal }): Promise<FillDebit> {
  await appendEntries(tx, fill, [
    { asset: fill.symbol, amount: fill.quantity.negated(), kind: "SELL" },
    { asset: CASH, amount: fill.notional, kind: "SELL" },
    { asset: CASH, amount: fill.commission.negated(), kind: "COMMISSION" },
  ]);
  const shareDebitChange = await takeShares(tx, fill);
  const cashDebitChange = await moveCash(tx, fill, { available: fill.notional.minus(fill.commission), held: ZERO });
  return { cash: incurred(cashDebitChange), shares: incurred(shareDebitChange) };
}

async function takeShares(tx: Tx, fill: Settlement & { fromHold: Decimal }): Promise<Decimal> {
  const holding = await readHolding(tx, fill.accountId, fill.symbol);
  if (!holding || holding.heldQuantity.lessThan(fill.fromHold))
    throw new Error(`Sell fill ${fill.executionId} takes more reserved ${fill.symbol} than the account holds`);
  const next = netAgainstDebit(holding.quantity.minus(fill.quantity.minus(fill.fromHold)), holding.debitQuantity);
  const sharesLeaving = fill.fromHold.plus(holding.quantity.minus(next.free));
  const costSold = costShare(holding.costBasis, sharesLeaving, holding.quantity.plus(holding.heldQuantity));
  await writeHolding(tx, holding, {
    quantity: next.free,
    heldQuantity: holding.heldQuantity.minus(fill.fromHold),
    debitQuantity: next.debit,
    costBasis: holding.costBasis.minus(costSold),
  });
  const debitChange = next.debit.minus(holding.debitQuantity);
  await recordDebitChange(tx, fill, fill.symbol, debitChange);
  return debitChange;
}

async function appendEntries(
  tx: Tx,
  fill: Settlement,
  entries: { asset: string; amount: Decimal; kind: string }[],
): Promise<void> {
  await appendLedgerEntries(
    tx,
    entries
      .filter((entry) => !entry.amount.isZero())
      .map((entry) => ({ ...entry, accountId: fill.accountId, orderId: fill.orderId, executionId: fill.executionId })),
  );
}
