// Demo data for the embedded default and for tests: three customers with won (deposits arrive in won) and USD cash, fee points (1 point = 1 cent of
// commission) and a few positions; one operator. Fee points live in the points service's own database: its demo seed
// credits the `points` below (POINTS_DEMO_SEED). These logins exist only in the demo seed: a real deployment has no
// default operator and creates one with `npm run create-operator` (docs/security.md).
// Balances are created through ledger entries so that "balance = sum of entries" holds from the first row.
import { randomBytes, scrypt } from "node:crypto";
import { Prisma, type PrismaClient } from "./client";

export const DEMO_PASSWORD = "meridian-demo";

/**
 * The demo password as core's auth/passwords.ts stores passwords: scrypt, N=2^15, r=8, p=1, 64-byte key, 16-byte
 * salt, written `scrypt$N$r$p$salt$key`. This package cannot import core (core imports it), so the format is written
 * here once more; core's tests check that a seeded hash verifies and needs no upgrade.
 */
async function demoPasswordHash(): Promise<string> {
  const [N, r, p] = [2 ** 15, 8, 1];
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(DEMO_PASSWORD, salt, 64, { N, r, p, maxmem: 256 * N * r }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  );
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

export const DEMO_USERS = [
  {
    email: "alice@demo.meridian",
    name: "Alice Kim",
    role: "CUSTOMER",
    accountNo: "M-100-0001",
    cash: "25000.00",
    won: "30000000",
    points: "5000",
    holdings: [
      { symbol: "AAPL", quantity: "10", costBasis: "1900.00" },
      { symbol: "MSFT", quantity: "5", costBasis: "2050.00" },
    ],
  },
  {
    email: "bob@demo.meridian",
    name: "Bob Park",
    role: "CUSTOMER",
    accountNo: "M-100-0002",
    cash: "10000.00",
    won: "5000000",
    points: "300",
    holdings: [{ symbol: "TSLA", quantity: "8", costBasis: "1960.00" }],
  },
  {
    email: "chloe@demo.meridian",
    name: "Chloe Lee",
    role: "CUSTOMER",
    accountNo: "M-100-0003",
    cash: "50000.00",
    won: "100000000",
    points: "0",
    holdings: [],
  },
  {
    email: "ops@demo.meridian",
    name: "Operator Jung",
    role: "OPERATOR",
    accountNo: null,
    cash: null,
    won: null,
    points: null,
    holdings: [],
  },
] as const;

export async function seed(prisma: PrismaClient): Promise<{ created: boolean }> {
  if ((await prisma.user.count()) > 0) return { created: false };
  const passwordHash = await demoPasswordHash();
  await prisma.$transaction(async (tx) => {
    for (const demo of DEMO_USERS) {
      const user = await tx.user.create({
        data: { email: demo.email, name: demo.name, role: demo.role, passwordHash },
      });
      if (!demo.accountNo) continue;
      const account = await tx.account.create({ data: { accountNo: demo.accountNo, userId: user.id } });
      await tx.cashBalance.create({
        data: { accountId: account.id, currency: "USD", available: new Prisma.Decimal(demo.cash) },
      });
      await tx.ledgerEntry.create({
        data: { accountId: account.id, asset: "USD", amount: new Prisma.Decimal(demo.cash), kind: "DEPOSIT" },
      });
      await tx.cashBalance.create({
        data: { accountId: account.id, currency: "KRW", available: new Prisma.Decimal(demo.won) },
      });
      await tx.ledgerEntry.create({
        data: { accountId: account.id, asset: "KRW", amount: new Prisma.Decimal(demo.won), kind: "DEPOSIT" },
      });
      for (const holding of demo.holdings) {
        await tx.holding.create({
          data: {
            accountId: account.id,
            symbol: holding.symbol,
            quantity: new Prisma.Decimal(holding.quantity),
            costBasis: new Prisma.Decimal(holding.costBasis),
          },
        });
        await tx.ledgerEntry.create({
          data: {
            accountId: account.id,
            asset: holding.symbol,
            amount: new Prisma.Decimal(holding.quantity),
            kind: "TRANSFER_IN",
          },
        });
      }
    }
  });
  return { created: true };
}
