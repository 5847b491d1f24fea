import type { Holding, PrismaClient } from "@meridian/db";
import { findInstrument } from "../market/instruments";
import type { QuoteService } from "../market/quotes";
import type { PointsBalance } from "../points/wire";
import type { AccountRef } from "../services";
import { dec, money, qty, ZERO, type Decimal } from "../shared/money";
import { CASH, WON } from "./balances";

/** The won-per-dollar rate the summary values dollars at, when the FX desk gave one. */
export interface UsdKrwRate {
  bid: string;
  ask: string;
  mid: string;
  at: string;
}

export async function accountSummary(
  prisma: PrismaClient,
  quotes: QuoteService,
  account: AccountRef,
  usdKrw: Promise<UsdKrwRate | null> = Promise.resolve(null),
  feePoints: Promise<PointsBalance | null> = Promise.resolve(null),
) {
  const [cash, won, points, holdings, lastPrices, rate] = await Promise.all([
    prisma.cashBalance.findUnique({ where: { accountId_currency: { accountId: account.id, currency: CASH } } }),
    prisma.cashBalance.findUnique({ where: { accountId_currency: { accountId: account.id, currency: WON } } }),
    feePoints.catch(() => null),
    prisma.holding.findMany({ where: { accountId: account.id }, orderBy: { symbol: "asc" } }),
    quotes
      .all()
      .then((all) => new Map(all.map((quote) => [quote.symbol, dec(quote.last)])))
      .catch(() => new Map<string, Decimal>()),
    usdKrw.catch(() => null),
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
  const equity = cashTotal.plus(marketValueTotal);
  const wonTotal = (won?.available ?? ZERO).plus(won?.held ?? ZERO);
  return {
    accountNo: account.accountNo,
    cash: {
      currency: CASH,
      available: money(available),
      held: money(held),
      debit: money(debit),
      total: money(cashTotal),
    },
    /** Won: no minor unit. `held` is won on its way to dollars at the FX desk. */
    won: {
      currency: WON,
      available: (won?.available ?? ZERO).toFixed(0),
      held: (won?.held ?? ZERO).toFixed(0),
      total: wonTotal.toFixed(0),
    },
    /** The desk's rate now (null while it cannot be reached); dollars are valued at its bid, what selling them pays. */
    usdKrw: rate,
    /** Everything in won: the won, plus the dollar equity at the bid, rounded down to the won. */
    equityInWon: rate
      ? wonTotal
          .plus(equity.times(dec(rate.bid)))
          .toDecimalPlaces(0, 1)
          .toFixed(0)
      : null,
    /** Fee points as the points service holds them; null while it cannot be reached. */
    points: points && { available: points.available, held: points.held },
    positions,
    /** What the account owes, each with what the customer should do about it; empty when it owes nothing. */
    debits: debitsOf(debit, holdings),
    equity: money(equity),
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
