// CPU time per order, read from /proc: unlike orders per second it does not move when another program shares the
// machine's cores, so two paths measured minutes apart on a busy machine can still be compared.
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@meridian/db";

const MS_PER_TICK = 10; // USER_HZ is 100 on every Linux kernel Node runs on

/** User + system CPU time a process has used so far, in ms; null where there is no /proc (not Linux) or no process. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the parenthesised command name (which may itself hold spaces): state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return null;
  }
}

/** CPU time so far of every PostgreSQL backend connected to this database, by backend pid. */
export async function postgresBackendsCpuMs(prisma: PrismaClient): Promise<Map<number, number>> {
  const backends = await prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  const used = new Map<number, number>();
  for (const { pid } of backends) {
    const ms = processCpuMs(pid);
    if (ms !== null) used.set(pid, ms);
  }
  return used;
}

/** The CPU the database's backends used between two readings (a backend that connected in between counts whole). */
export function postgresCpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
