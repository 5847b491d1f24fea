import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, Prisma } from "./generated/prisma/client";

export { PrismaClient, Prisma };
export type Db = PrismaClient;
/** What a function receives when it must run inside its caller's transaction. */
export type Tx = Prisma.TransactionClient;
/** Either the client or a transaction: for reads and writes that compose. */
export type DbOrTx = PrismaClient | Prisma.TransactionClient;

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. `npm start` starts the embedded Postgres and sets it; otherwise export DATABASE_URL=postgresql://…",
    );
  }
  return url;
}

export function createPrismaClient(
  url = databaseUrl(),
  poolSize = Number(process.env.DB_POOL_SIZE ?? 10),
): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { meridianPrisma?: PrismaClient };

/**
 * One client per process; kept on globalThis so that Next.js hot reloads reuse it. The composition root passes the
 * configured DATABASE_URL and DB_POOL_SIZE; the environment is the fallback for the database's own commands.
 */
export function getPrisma(settings: { url?: string; poolSize?: number } = {}): PrismaClient {
  globalForPrisma.meridianPrisma ??= createPrismaClient(settings.url ?? databaseUrl(), settings.poolSize);
  return globalForPrisma.meridianPrisma;
}
