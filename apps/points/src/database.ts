// The service's own database: the PostgreSQL at POINTS_DATABASE_URL, or an embedded PGlite started in this process.
// Never the order database: the points live here alone, and Meridian reaches them only over HTTP.
import { fileURLToPath } from "node:url";
import { freePort, migrate, startEmbeddedPostgres } from "@meridian/db/setup";
import pg from "pg";

export const migrationsDir = fileURLToPath(new URL("../migrations", import.meta.url));

/** A connection inside one transaction, or the pool for a single statement. */
export type Queryable = Pick<pg.PoolClient, "query">;

export interface PointsDatabase {
  url: string;
  embedded: boolean;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** PGlite runs one transaction at a time, so a second connection would only wait (or interleave) behind the first. */
const EMBEDDED_POOL_SIZE = 1;
const SERVER_POOL_SIZE = 8;

export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<PointsDatabase> {
  const embedded = options.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: options.dataDir, port: await freePort() });
  const url = options.databaseUrl ?? embedded!.url;
  try {
    await migrate(url, migrationsDir);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const pool = new pg.Pool({ connectionString: url, max: embedded ? EMBEDDED_POOL_SIZE : SERVER_POOL_SIZE });
  return {
    url,
    embedded: embedded !== undefined,
    pool,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws (a refusal included). */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (error) {
    const rollbackFailure = await client.query("ROLLBACK").then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    // A connection that cannot roll back is discarded, never handed to the next transaction.
    client.release(rollbackFailure);
    throw error;
  }
}

/** The URL without its password, for logs. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
