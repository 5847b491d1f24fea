import type { PrismaClient } from "@meridian/db";
import { accountHistory } from "../audit/history";
import type { PointsService } from "../points/port";
import { DomainError } from "../shared/errors";
import { money, qty } from "../shared/money";
import { isCashAsset } from "./debits";

/** Cash, or cash owed: shown in dollars and cents; anything else is a quantity. */

/**
 * The operator's account view: balances, positions, recent ledger entries and the change history. Fee points come from
 * the points service (null while it cannot be reached).
 */
export async function accountDetail(prisma: PrismaClient, points: PointsService, accountId: string) {
  const account = await prisma.account.findUnique({
    where: { id: accountId },
    include: {
      user: { select: { name: true, email: true } },
      cash: true,
      holdings: { orderBy: { symbol: "asc" } },
    },
  });
  if (!account) throw new DomainError("NOT_FOUND", "No account with that id. Open it from an order's detail page.");
  const [entries, history, feePoints] = await Promise.all([
    prisma.ledgerEntry.findMany({ where: { accountId }, orderBy: { id: "desc" }, take: 200 }),
    accountHistory(prisma, accountId),
    points.balance(account.accountNo).catch(() => null),
  ]);
  return {
    account: {
      id: account.id,
      accountNo: account.accountNo,
      ownerName: account.user.name,
      ownerEmail: account.user.email,
      createdAt: account.createdAt.toISOString(),
    },
    cash: account.cash.map((cash) => ({
      currency: cash.currency,
      available: money(cash.available),
      held: money(cash.held),
      debit: money(cash.debit),
      version: cash.version,
    })),
    holdings: account.holdings.map((holding) => ({
      symbol: holding.symbol,
      quantity: qty(holding.quantity),
      heldQuantity: qty(holding.heldQuantity),
      debitQuantity: qty(holding.debitQuantity),
      costBasis: money(holding.costBasis),
      version: holding.version,
    })),
    points: feePoints && { available: feePoints.available, held: feePoints.held },
    ledgerEntries: entries.map((entry) => ({
      id: entry.id.toString(),
      asset: entry.asset,
      amount: isCashAsset(entry.asset) ? money(entry.amount) : qty(entry.amount),
      kind: entry.kind,
      orderId: entry.orderId,
      executionId: entry.executionId,
      createdAt: entry.createdAt.toISOString(),
    })),
    history,
  };
}
