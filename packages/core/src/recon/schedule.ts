// When the recon role runs, and over which window. Every worker with the role may try; an advisory lock per broker
// and the last scheduled run's start time make one of them run per interval. Windows chain: each scheduled run starts
// where the previous one ended (less an overlap for clock skew), or earlier when that run left orders in flight.
import type { PrismaClient } from "@meridian/db";
import type { CoreServices } from "../services";
import type { ReconRunView } from "./queries";
import { executeRun, startRun, type ReconRunRow } from "./runReconciliation";

export const SCHEDULE_ACTOR = "schedule";

export interface ReconSchedule {
  intervalMs: number;
  graceMs: number;
  /** How far a window reaches back before the previous window's end. */
  overlapMs: number;
}

/** The trading day a reconciliation defaults to: the UTC calendar day of `now`. */
export function startOfTradingDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Creates the next scheduled run for `brokerId`, or null when another worker ran it within the last half interval. */
export async function claimScheduledRun(
  prisma: PrismaClient,
  brokerId: string,
  schedule: ReconSchedule,
  now = new Date(),
): Promise<ReconRunRow | null> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${`meridian.recon:${brokerId}`}))`;
    const last = await tx.reconRun.findFirst({
      where: { brokerId, triggeredBy: SCHEDULE_ACTOR },
      orderBy: { startedAt: "desc" },
      select: { startedAt: true },
    });
    if (last && last.startedAt.getTime() > now.getTime() - schedule.intervalMs / 2) return null;
    const previous = await tx.reconRun.findFirst({
      where: { brokerId, triggeredBy: SCHEDULE_ACTOR, finishedAt: { not: null }, error: null },
      orderBy: { startedAt: "desc" },
      select: { windowEnd: true, carryFrom: true },
    });
    const since = previous
      ? new Date(Math.min(previous.windowEnd.getTime() - schedule.overlapMs, previous.carryFrom?.getTime() ?? Infinity))
      : startOfTradingDay(now);
    return startRun(tx, { brokerId, since, triggeredBy: SCHEDULE_ACTOR });
  });
}

/** One scheduled pass over every broker that offers a report; brokers that cannot be read record their error. */
export async function reconcileOnSchedule(
  services: CoreServices,
  schedule: ReconSchedule,
  signal?: AbortSignal,
): Promise<ReconRunView[]> {
  const runs: ReconRunView[] = [];
  for (const broker of services.brokers.all()) {
    if (signal?.aborted) break;
    if (!broker.listOrdersSince) continue;
    const run = await claimScheduledRun(services.prisma, broker.brokerId, schedule);
    if (run) runs.push(await executeRun(services, run, { graceMs: schedule.graceMs, signal }));
  }
  return runs;
}
