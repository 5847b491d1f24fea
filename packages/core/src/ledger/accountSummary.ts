import type { Holding, PrismaClient } from "@meridian/db";
import { findInstrument } from "../market/instruments";
import type { QuoteService } from "../market/quotes";
import type { AccountRef } from "../services";
import { dec, money, qty, ZERO, type Decimal } from "../shared/money";
import { CASH } from "./balances";

export async function accountSummary(prisma: PrismaClient, quotes: QuoteService, account: AccountRef) {
  const [cash, points, holdings, lastPrices] = await Promise.all([
    prisma.cashBalance.findUnique({ where: { accountId_currency: { accountId: account.id, currency: CASH } } }),
    prisma.pointsBalance.findUnique({ where: { accountId: account.id } }),
    prisma.holding.findMany({ where: { accountId: account.id }, orderBy: { symbol: "asc" } }),
    quotes
      .all()
      .then((all) => new Map(all.map((quote) => [quote.symbol, dec(quote.last)])))
      .catch(() => new Map<string, Decimal>()),
  ]);
  const available = cash?.available ?? ZERO;
  const held = cash?.held ?? ZERO;
  const debit = cash?.debit ?? ZERO;
  const shown = holdings.filter(
    (holding) => !holding.quantity.plus(holding.heldQuantity).isZero() || holding.debitQuantity.greaterThan(0),
  );
  const positions = shown.map((holding) => positionOf(holding, lastPrices.get(holding.symbol) ?? null));
  const marketValueTotal = shown.reduce(
    (sum, holding) => sum.plus((lastPrices.get(holding.symbol) ?? ZERO).times(netShares(holding))),
    ZERO,
  );
  const cashTotal = available.plus(held).minus(debit);
  return {
    accountNo: account.accountNo,
    cash: {
      currency: CASH,
      available: money(available),
      held: money(held),
      debit: money(debit),
      total: money(cashTotal),
    },
    points: { available: (points?.available ?? ZERO).toString(), held: (points?.held ?? ZERO).toString() },
    positions,
    /** What the account owes, each with what the customer should do about it; empty when it owes nothing. */
    debits: debitsOf(debit, holdings),
    equity: money(cashTotal.plus(marketValueTotal)),
  };
}

/** Shares the account has, less shares it owes. */
function netShares(holding: Holding): Decimal {
  return holding.quantity.plus(holding.heldQuantity).minus(holding.debitQuantity);
}

function positionOf(holding: Holding, lastPrice: Decimal | null) {
  const owned = holding.quantity.plus(holding.heldQuantity);
  // Shares owed count against the position's value; the cost basis is the cost of the shares owned.
  const marketValue = lastPrice ? lastPrice.times(netShares(holding)) : null;
  const ownedValue = lastPrice ? lastPrice.times(owned) : null;
  const costBasis = holding.costBasis;
  return {
    symbol: holding.symbol,
    name: findInstrument(holding.symbol)?.name ?? holding.symbol,
    quantity: qty(owned),
    heldQuantity: qty(holding.heldQuantity),
    /** Shares owed (a sale the account could not cover); zero almost always. */
    debitQuantity: qty(holding.debitQuantity),
    averageCost: owned.isZero() ? null : costBasis.dividedBy(owned).toFixed(4),
    lastPrice: lastPrice ? lastPrice.toFixed(2) : null,
    marketValue: marketValue ? money(marketValue) : null,
    unrealizedPnl: ownedValue && !owned.isZero() ? money(ownedValue.minus(costBasis)) : null,
  };
}

function debitsOf(cashDebit: Decimal, holdings: Holding[]) {
  const owedShares = holdings.filter((holding) => holding.debitQuantity.greaterThan(0));
  return [
    ...(cashDebit.greaterThan(0)
      ? [
          {
            asset: CASH,
            owed: money(cashDebit),
            action: `Deposit $${money(cashDebit)} to settle it. Proceeds of your sales and cash released from cancelled orders settle it first; new buy orders wait until it is settled.`,
          },
        ]
      : []),
    ...owedShares.map((holding) => ({
      asset: holding.symbol,
      owed: qty(holding.debitQuantity),
      action: `Buy ${qty(holding.debitQuantity)} ${holding.symbol} to return the shares a late sale took; shares you buy settle it first.`,
    })),
  ];
}
