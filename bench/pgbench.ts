// The ceiling every benchmark is read against: pgbench's TPC-B-like transactions per second on the same PostgreSQL
// server, in the same run (scale 10, 8 clients, 10 s). Our figures are quoted as a ratio of it, so that a faster or
// slower database server does not make a change look better or worse than it is.
import { spawnSync } from "node:child_process";
import { createTestDatabase } from "@meridian/db/testing";

export interface PgbenchResult {
  /** Transactions per second, or null when pgbench could not run (the reason is in `note`). */
  tps: number | null;
  note: string;
}

/** Runs pgbench against `databaseUrl` (its tables are created there and left for the caller to drop). */
export function pgbenchTps(databaseUrl: string, clients = 8, seconds = 10): PgbenchResult {
  const url = new URL(databaseUrl);
  const target = [
    "-h",
    url.hostname,
    "-p",
    url.port || "5432",
    "-U",
    decodeURIComponent(url.username) || "postgres",
    url.pathname.slice(1),
  ];
  const init = spawnSync("pgbench", ["-i", "-q", "-s", "10", ...target], { encoding: "utf8" });
  if (init.status !== 0)
    return { tps: null, note: `pgbench unavailable: ${firstLine(init.stderr || init.error?.message)}` };
  const run = spawnSync("pgbench", ["-c", String(clients), "-j", "2", "-T", String(seconds), ...target], {
    encoding: "utf8",
  });
  const tps = Number(run.stdout.match(/tps = ([\d.]+)/)?.[1]);
  if (!Number.isFinite(tps)) return { tps: null, note: `pgbench failed: ${firstLine(run.stderr)}` };
  return { tps, note: `pgbench (TPC-B-like, scale 10, ${clients} clients, ${seconds} s): ${tps.toFixed(0)} TPS` };
}

/** "0.31×" of pgbench, or "–" when pgbench did not run. */
export function ratioTo(pgbench: PgbenchResult, perSecond: number): string {
  return pgbench.tps ? `${(perSecond / pgbench.tps).toFixed(2)}×` : "–";
}

function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0] ?? "";
}

/** pgbench on a scratch database of DATABASE_URL's server, dropped after (none with the embedded PGlite). */
export async function pgbenchOnScratchDatabase(): Promise<PgbenchResult> {
  if (!process.env.DATABASE_URL) return { tps: null, note: "pgbench: not run (embedded PGlite)" };
  const scratch = await createTestDatabase({ seed: false });
  try {
    return pgbenchTps(scratch.url);
  } finally {
    await scratch.drop();
  }
}
