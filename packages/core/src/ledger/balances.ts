// The ledger module owns cash_balances, holdings and ledger_entries. Every change here is a compare-and-set on the
// row's version, and every change of a total is an appended ledger entry, so balance = sum of entries always holds.
import type { Tx } from "@meridian/db";
import { ConcurrencyError, DomainError } from "../shared/errors";
import { money, qty, ZERO, type Decimal } from "../shared/money";

export const CASH = "USD";
/** Fee points: 1 point pays 1 cent of commission. */
export const POINTS = "POINTS";

async function readCash(tx: Tx, accountId: string) {
  const cash = await tx.cashBalance.findUnique({ where: { accountId_currency: { accountId, currency: CASH } } });
  if (!cash) throw new DomainError("PRECONDITION_FAILED", "This account has no USD balance yet. Deposit funds first.");
  return cash;
}

async function writeCash(tx: Tx, accountId: string, version: number, available: Decimal, held: Decimal): Promise<void> {
  const { count } = await tx.cashBalance.updateMany({
    where: { accountId, currency: CASH, version },
    data: { available, held, version: { increment: 1 } },
  });
  if (count !== 1) throw new ConcurrencyError("cash balance", accountId);
}

async function readHolding(tx: Tx, accountId: string, symbol: string) {
  return tx.holding.findUnique({ where: { accountId_symbol: { accountId, symbol } } });
}

async function writeHolding(
  tx: Tx,
  holding: { accountId: string; symbol: string; version: number },
  values: { quantity: Decimal; heldQuantity: Decimal; costBasis: Decimal },
): Promise<void> {
  const { count } = await tx.holding.updateMany({
    where: { accountId: holding.accountId, symbol: holding.symbol, version: holding.version },
    data: { ...values, version: { increment: 1 } },
  });
  if (count !== 1) throw new ConcurrencyError("holding", `${holding.accountId}/${holding.symbol}`);
}

/** Moves `amount` from available to held cash; refuses when buying power is short. */
export async function holdCash(tx: Tx, accountId: string, amount: Decimal): Promise<void> {
  const cash = await readCash(tx, accountId);
  if (cash.available.lessThan(amount)) {
    throw new DomainError(
      "BAD_REQUEST",
      `Not enough buying power: this order needs $${money(amount)} (including commission and a price buffer) and $${money(cash.available)} is available. Lower the quantity or use a limit price.`,
      "quantity",
    );
  }
  await writeCash(tx, accountId, cash.version, cash.available.minus(amount), cash.held.plus(amount));
}

/** Moves `amount` back from held to available cash. */
export async function releaseCash(tx: Tx, accountId: string, amount: Decimal): Promise<void> {
  if (amount.isZero()) return;
  const cash = await readCash(tx, accountId);
  await writeCash(tx, accountId, cash.version, cash.available.plus(amount), cash.held.minus(amount));
}

/** Reserves shares for a sell; refuses when the free quantity is short. */
export async function holdShares(tx: Tx, accountId: string, symbol: string, quantity: Decimal): Promise<void> {
  const holding = await readHolding(tx, accountId, symbol);
  const free = holding?.quantity ?? ZERO;
  if (!holding || free.lessThan(quantity)) {
    throw new DomainError("BAD_REQUEST", `You can sell at most ${qty(free)} ${symbol} (shares in open sell orders are reserved). Lower the quantity.`, "quantity");
  }
  await writeHolding(tx, holding, { quantity: free.minus(quantity), heldQuantity: holding.heldQuantity.plus(quantity), costBasis: holding.costBasis });
}

export async function releaseShares(tx: Tx, accountId: string, symbol: string, quantity: Decimal): Promise<void> {
  if (quantity.isZero()) return;
  const holding = await readHolding(tx, accountId, symbol);
  if (!holding) throw new Error(`No holding ${symbol} on ${accountId} to release ${qty(quantity)} shares to`);
  await writeHolding(tx, holding, { quantity: holding.quantity.plus(quantity), heldQuantity: holding.heldQuantity.minus(quantity), costBasis: holding.costBasis });
}

async function readPoints(tx: Tx, accountId: string) {
  return tx.pointsBalance.findUnique({ where: { accountId } });
}

async function writePoints(tx: Tx, accountId: string, version: number, available: Decimal, held: Decimal): Promise<void> {
  const { count } = await tx.pointsBalance.updateMany({ where: { accountId, version }, data: { available, held, version: { increment: 1 } } });
  if (count !== 1) throw new ConcurrencyError("points balance", accountId);
}

/** Reserves fee points; refuses (holding nothing) when the balance is short. */
export async function holdPoints(tx: Tx, accountId: string, points: Decimal): Promise<void> {
  const balance = await readPoints(tx, accountId);
  const available = balance?.available ?? ZERO;
  if (!balance || available.lessThan(points)) {
    throw new DomainError(
      "BAD_REQUEST",
      `Paying this commission with points needs up to ${points.toString()} points and you have ${available.toString()}. Untick "pay commission with points" or lower the quantity.`,
      "payFeeWithPoints",
    );
  }
  await writePoints(tx, accountId, balance.version, available.minus(points), balance.held.plus(points));
}

export async function releasePoints(tx: Tx, accountId: string, points: Decimal): Promise<void> {
  if (points.isZero()) return;
  const balance = await readPoints(tx, accountId);
  if (!balance) throw new Error(`No points balance on ${accountId} to release ${points.toString()} points to`);
  await writePoints(tx, accountId, balance.version, balance.available.plus(points), balance.held.minus(points));
}

/** Spends held points on commission (they leave the account: a ledger entry records it). */
export async function spendHeldPoints(tx: Tx, fill: { accountId: string; orderId: string; executionId: string }, points: Decimal): Promise<void> {
  if (points.isZero()) return;
  const balance = await readPoints(tx, fill.accountId);
  if (!balance || balance.held.lessThan(points)) throw new Error(`Fill ${fill.executionId} spends more points than are held`);
  await writePoints(tx, fill.accountId, balance.version, balance.available, balance.held.minus(points));
  await tx.ledgerEntry.create({ data: { accountId: fill.accountId, asset: POINTS, amount: points.negated(), kind: "COMMISSION", orderId: fill.orderId, executionId: fill.executionId } });
}

interface Settlement {
  accountId: string;
  orderId: string;
  executionId: string;
  symbol: string;
  quantity: Decimal;
  notional: Decimal;
  commission: Decimal;
}

/**
 * A buy fill: pays notional + commission, first from the order's held cash (up to `fromHold`), any excess from
 * available cash; adds the shares. Returns how much of the hold it used.
 */
export async function settleBuy(tx: Tx, fill: Settlement & { fromHold: Decimal }): Promise<void> {
  const cost = fill.notional.plus(fill.commission);
  const cash = await readCash(tx, fill.accountId);
  await writeCash(tx, fill.accountId, cash.version, cash.available.minus(cost.minus(fill.fromHold)), cash.held.minus(fill.fromHold));
  const holding = await readHolding(tx, fill.accountId, fill.symbol);
  if (holding) {
    await writeHolding(tx, holding, { quantity: holding.quantity.plus(fill.quantity), heldQuantity: holding.heldQuantity, costBasis: holding.costBasis.plus(cost) });
  } else {
    await tx.holding.create({ data: { accountId: fill.accountId, symbol: fill.symbol, quantity: fill.quantity, costBasis: cost } });
  }
  await appendEntries(tx, fill, [
    { asset: CASH, amount: fill.notional.negated(), kind: "BUY" },
    { asset: CASH, amount: fill.commission.negated(), kind: "COMMISSION" },
    { asset: fill.symbol, amount: fill.quantity, kind: "BUY" },
  ]);
}

/** A sell fill: takes the shares from the order's reserved quantity and credits notional − commission. */
export async function settleSell(tx: Tx, fill: Settlement): Promise<void> {
  const holding = await readHolding(tx, fill.accountId, fill.symbol);
  if (!holding || holding.heldQuantity.lessThan(fill.quantity)) throw new Error(`Sell fill ${fill.executionId} exceeds reserved ${fill.symbol}`);
  const owned = holding.quantity.plus(holding.heldQuantity);
  // Average-cost method: the sold shares take their proportional share of the cost basis with them.
  const costSold = owned.isZero() ? ZERO : holding.costBasis.times(fill.quantity).dividedBy(owned).toDecimalPlaces(4);
  await writeHolding(tx, holding, { quantity: holding.quantity, heldQuantity: holding.heldQuantity.minus(fill.quantity), costBasis: holding.costBasis.minus(costSold) });
  const cash = await readCash(tx, fill.accountId);
  await writeCash(tx, fill.accountId, cash.version, cash.available.plus(fill.notional).minus(fill.commission), cash.held);
  await appendEntries(tx, fill, [
    { asset: fill.symbol, amount: fill.quantity.negated(), kind: "SELL" },
    { asset: CASH, amount: fill.notional, kind: "SELL" },
    { asset: CASH, amount: fill.commission.negated(), kind: "COMMISSION" },
  ]);
}

async function appendEntries(tx: Tx, fill: Settlement, entries: { asset: string; amount: Decimal; kind: string }[]): Promise<void> {
  await tx.ledgerEntry.createMany({
    data: entries
      .filter((entry) => !entry.amount.isZero())
      .map((entry) => ({ ...entry, accountId: fill.accountId, orderId: fill.orderId, executionId: fill.executionId })),
  });
}

