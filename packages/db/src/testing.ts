// A throwaway database per test file: on the server named by DATABASE_URL (CI: the machine's PostgreSQL) a fresh
// database is created and dropped; without DATABASE_URL an in-memory embedded Postgres is started.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPrismaClient, type PrismaClient } from "./client";
import { startEmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";
import { freePort } from "./freePort";
import { seed } from "./seed";

export { freePort };

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { seed?: boolean; poolSize?: number } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  let url: string;
  let dropServer: () => Promise<void>;
  if (serverUrl) {
    const name = `meridian_test_${randomBytes(6).toString("hex")}`;
    await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    dropServer = () =>
      withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      );
  } else {
    const embedded = await startEmbeddedPostgres({ port: await freePort() });
    url = embedded.url;
    dropServer = embedded.stop;
  }
  await migrate(url);
  const prisma = createPrismaClient(url, options.poolSize ?? 20);
  if (options.seed !== false) await seed(prisma);
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropServer();
    },
  };
}

/**
 * An empty throwaway database for a service with a schema of its own (the fee points service migrates it itself): a
 * fresh one on DATABASE_URL's server, or undefined without it (the service then starts an embedded one in memory).
 */
export async function createEmptyTestDatabase(
  prefix: string,
): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: () =>
      withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
