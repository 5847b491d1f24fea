import type { PrismaClient } from "@meridian/db";
import { findInstrument } from "../market/instruments";
import type { QuoteService } from "../market/quotes";
import type { AccountRef } from "../services";
import { dec, money, qty, ZERO } from "../shared/money";
import { CASH } from "./balances";

export async function accountSummary(prisma: PrismaClient, quotes: QuoteService, account: AccountRef) {
  const [cash, points, holdings, lastPrices] = await Promise.all([
    prisma.cashBalance.findUnique({ where: { accountId_currency: { accountId: account.id, currency: CASH } } }),
    prisma.pointsBalance.findUnique({ where: { accountId: account.id } }),
    prisma.holding.findMany({ where: { accountId: account.id }, orderBy: { symbol: "asc" } }),
    quotes.all().then((all) => new Map(all.map((quote) => [quote.symbol, dec(quote.last)]))).catch(() => new Map()),
  ]);
  const available = cash?.available ?? ZERO;
  const held = cash?.held ?? ZERO;
  let marketValueTotal = ZERO;
  const positions = holdings
    .filter((holding) => !holding.quantity.plus(holding.heldQuantity).isZero())
    .map((holding) => {
      const owned = holding.quantity.plus(holding.heldQuantity);
      const lastPrice = lastPrices.get(holding.symbol) ?? null;
      const marketValue = lastPrice ? lastPrice.times(owned) : null;
      if (marketValue) marketValueTotal = marketValueTotal.plus(marketValue);
      return {
        symbol: holding.symbol,
        name: findInstrument(holding.symbol)?.name ?? holding.symbol,
        quantity: qty(owned),
        heldQuantity: qty(holding.heldQuantity),
        averageCost: holding.costBasis.dividedBy(owned).toFixed(4),
        lastPrice: lastPrice ? lastPrice.toFixed(2) : null,
        marketValue: marketValue ? money(marketValue) : null,
        unrealizedPnl: marketValue ? money(marketValue.minus(holding.costBasis)) : null,
      };
    });
  return {
    accountNo: account.accountNo,
    cash: { currency: CASH, available: money(available), held: money(held), total: money(available.plus(held)) },
    points: { available: (points?.available ?? ZERO).toString(), held: (points?.held ?? ZERO).toString() },
    positions,
    equity: money(available.plus(held).plus(marketValueTotal)),
  };
}
