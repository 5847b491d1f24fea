import type { PrismaClient } from "@meridian/db";

/** Where the gateway records its broker calls; the console reads in-flight calls, latency and error rate from it. */
export interface BrokerCallLog {
  start(brokerId: string, operation: string, orderId?: string): Promise<bigint | null>;
  finish(id: bigint, outcome: string, latencyMs: number, error?: string): Promise<void>;
  /** A call refused on our side (NOT_SENT): one row, written finished. */
  refused(brokerId: string, operation: string, orderId: string | undefined, reason: string): Promise<void>;
}

export function databaseCallLog(prisma: PrismaClient): BrokerCallLog {
  return {
    async start(brokerId, operation, orderId) {
      const row = await prisma.brokerCall.create({ data: { brokerId, operation, orderId }, select: { id: true } });
      return row.id;
    },
    async finish(id, outcome, latencyMs, error) {
      await prisma.brokerCall.update({
        where: { id },
        data: { finishedAt: new Date(), outcome, latencyMs, error: error?.slice(0, 500) },
      });
    },
    async refused(brokerId, operation, orderId, reason) {
      await prisma.brokerCall.create({
        data: {
          brokerId,
          operation,
          orderId,
          finishedAt: new Date(),
          outcome: "NOT_SENT",
          latencyMs: 0,
          error: reason,
        },
        select: { id: true },
      });
    },
  };
}

export interface BrokerCallStats {
  brokerId: string;
  inFlight: number;
  calls: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** The last `windowMinutes` of calls per broker, across every worker. */
export async function brokerCallStats(prisma: PrismaClient, windowMinutes = 5): Promise<BrokerCallStats[]> {
  const rows = await prisma.$queryRaw<
    { broker_id: string; in_flight: bigint; calls: bigint; errors: bigint; p50: number | null; p99: number | null }[]
  >`
    SELECT broker_id,
           count(*) FILTER (WHERE finished_at IS NULL AND started_at > now() - interval '2 minutes') AS in_flight,
           count(*) FILTER (WHERE finished_at IS NOT NULL) AS calls,
           count(*) FILTER (WHERE outcome IN ('TIMEOUT', 'NETWORK', 'SERVER_ERROR', 'NOT_SENT', 'ERROR')) AS errors,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
      FROM broker_calls WHERE started_at > now() - make_interval(mins => ${windowMinutes})
     GROUP BY broker_id ORDER BY broker_id`;
  return rows.map((row) => ({
    brokerId: row.broker_id,
    inFlight: Number(row.in_flight),
    calls: Number(row.calls),
    errorRate: Number(row.calls) === 0 ? 0 : Number(row.errors) / Number(row.calls),
    p50Ms: row.p50 === null ? null : Math.round(row.p50),
    p99Ms: row.p99 === null ? null : Math.round(row.p99),
  }));
}

export async function pruneBrokerCalls(prisma: PrismaClient, olderThanHours = 24): Promise<number> {
  return prisma.$executeRaw`DELETE FROM broker_calls WHERE started_at < now() - make_interval(hours => ${olderThanHours})`;
}
