// Extra funded accounts for load tests, created the way the seed creates them: through ledger entries. Fee points are
// credited at the points service, which holds them.
import bcrypt from "bcryptjs";
import type { PointsService } from "@meridian/core";
import { Prisma, type PrismaClient } from "@meridian/db";

export async function createFundedAccount(
  prisma: PrismaClient,
  accountNo: string,
  funds: { cash: string; points: string; holdings: Record<string, string> },
  points?: PointsService,
) {
  const user = await prisma.user.create({
    data: {
      email: `${accountNo.toLowerCase()}@load.meridian`,
      name: accountNo,
      passwordHash: await bcrypt.hash("unused", 4),
    },
  });
  const account = await prisma.account.create({ data: { accountNo, userId: user.id } });
  await prisma.cashBalance.create({
    data: { accountId: account.id, currency: "USD", available: new Prisma.Decimal(funds.cash) },
  });
  if (funds.points !== "0") {
    if (!points) throw new Error(`crediting ${funds.points} points to ${accountNo} needs the points service`);
    await points.credit(accountNo, { key: `funding:${accountNo}`, points: funds.points, reason: "test funding" });
  }
  await prisma.ledgerEntry.createMany({
    data: [
      { accountId: account.id, asset: "USD", amount: new Prisma.Decimal(funds.cash), kind: "DEPOSIT" },
      ...Object.entries(funds.holdings).map(([symbol, quantity]) => ({
        accountId: account.id,
        asset: symbol,
        amount: new Prisma.Decimal(quantity),
        kind: "TRANSFER_IN",
      })),
    ],
  });
  for (const [symbol, quantity] of Object.entries(funds.holdings)) {
    await prisma.holding.create({
      data: {
        accountId: account.id,
        symbol,
        quantity: new Prisma.Decimal(quantity),
        costBasis: new Prisma.Decimal(quantity).times(100),
      },
    });
  }
  return { id: account.id, accountNo };
}
