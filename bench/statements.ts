// SQL statements sent while some work runs, counted at the `pg` driver (every query, BEGIN and COMMIT included):
// pg_stat_statements needs shared_preload_libraries, which these machines' PostgreSQL does not load.
import pg from "pg";

export async function countingStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { result: await work(), statements };
  } finally {
    pg.Client.prototype.query = original;
  }
}
