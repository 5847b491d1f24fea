// The console's Brokers page: each partner with its capabilities and routed symbols, its flow control (breaker state
// and who forced it, the pools' limits and calls in flight, calls per second against the limit), its call figures
// over the last minutes as a series, and, for the simulators, its fault switches. The breaker's state and the levers
// come from broker_circuits and the pools from broker_pools, so the page is right in any process and without Redis;
// the series comes from the Redis metrics when flow control shares them, otherwise from broker_calls.
import type { PrismaClient } from "@meridian/db";
import { brokerCallStats } from "../broker/callLog";
import { FX_DESK_PARTNER_ID } from "../fxdesk/port";
import { INSTRUMENTS } from "../market/instruments";
import type { CoreServices } from "../services";
import type { CallSeriesPoint } from "./callMetrics";
import { readCircuits } from "./circuits";

/** Pools that reported within this long are counted as live gateway processes. */
const POOL_FRESH_MS = 15_000;
const SERIES_MINUTES = 15;

export async function brokerOverview({
  ctx,
}: {
  ctx: { services: Pick<CoreServices, "prisma" | "brokers" | "simulator" | "flow" | "entry" | "config"> };
}) {
  const { prisma, brokers, simulator, flow, entry, config } = ctx.services;
  const [stats, circuits, pools, entryView] = await Promise.all([
    brokerCallStats(prisma),
    readCircuits(prisma),
    livePools(prisma),
    entry.view(INSTRUMENTS.map((instrument) => instrument.symbol)),
  ]);
  const routing = brokers.routing;
  // The FX desk is a partner like the brokers (its own pipeline, breaker, rate limit, faults) that trades no symbol.
  const partners = [
    ...brokers
      .all()
      .map((broker) => ({ brokerId: broker.brokerId, kind: "broker" as const, capabilities: broker.capabilities })),
    { brokerId: FX_DESK_PARTNER_ID, kind: "fx desk" as const, capabilities: { lookupByClientOrderId: true } },
  ];
  return Promise.all(
    partners.map(async (broker) => {
      const { brokerId } = broker;
      const circuit = circuits.get(brokerId);
      const brokerPools = pools.filter((pool) => pool.brokerId === brokerId);
      return {
        brokerId,
        kind: broker.kind,
        capabilities: broker.capabilities,
        isDefault: routing.defaultBrokerIds[0] === brokerId,
        symbols: Object.entries(routing.bySymbol)
          .filter(([, routedTo]) => routedTo[0] === brokerId)
          .map(([symbol]) => symbol),
        /** Where this broker stands in for another: "*" is every symbol not listed. */
        fallbackFor: [
          ...Object.entries(routing.bySymbol)
            .filter(([, routedTo]) => routedTo.slice(1).includes(brokerId))
            .map(([symbol]) => symbol),
          ...(routing.defaultBrokerIds.slice(1).includes(brokerId) ? ["*"] : []),
        ],
        calls: stats.find((row) => row.brokerId === brokerId) ?? {
          brokerId,
          inFlight: 0,
          calls: 0,
          errorRate: 0,
          p50Ms: null,
          p99Ms: null,
        },
        /** Of the symbols this broker is primary for: those whose new orders go to a fallback now, and those closed. */
        entry: {
          inFallback: entryView.symbols
            .filter((symbol) => symbol.inFallback && brokers.brokerIdsFor(symbol.symbol)[0] === brokerId)
            .map((symbol) => `${symbol.symbol} → ${symbol.brokerId}`),
          closed: entryView.symbols
            .filter((symbol) => !symbol.open && brokers.brokerIdsFor(symbol.symbol)[0] === brokerId)
            .map((symbol) => symbol.symbol),
        },
        breaker: {
          state: circuit?.state ?? "closed",
          since: circuit?.stateSince.toISOString() ?? null,
          reason: circuit?.stateReason ?? null,
          forced: circuit?.forced ?? null,
          forcedBy: circuit?.forcedBy ?? null,
          forcedReason: circuit?.forcedReason ?? null,
          forcedAt: circuit?.forcedAt?.toISOString() ?? null,
          waitInOpenMs: config.brokers.flow.breaker.waitInOpenMs,
        },
        pool: {
          processes: brokerPools.length,
          limit: sum(brokerPools.map((pool) => pool.poolLimit)),
          inFlight: sum(brokerPools.map((pool) => pool.inFlight)),
          queued: sum(brokerPools.map((pool) => pool.queued)),
          baselineMs: brokerPools.find((pool) => pool.baselineMs !== null)?.baselineMs ?? null,
          ceiling: config.brokers.flow.pool.max,
        },
        tps: {
          limit: circuit?.tpsLimit ?? config.brokers.flow.tps[brokerId] ?? 0,
          configured: config.brokers.flow.tps[brokerId] ?? 0,
          setByOperator: circuit?.tpsLimit !== null && circuit?.tpsLimit !== undefined,
        },
        metricsShared: flow.shared,
        series: flow.shared
          ? await flow.metrics.series(brokerId, SERIES_MINUTES)
          : await seriesFromCallLog(prisma, brokerId, SERIES_MINUTES),
        faults: await simulator.faults(brokerId),
      };
    }),
  );
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function livePools(prisma: PrismaClient) {
  return prisma.brokerPool.findMany({ where: { updatedAt: { gt: new Date(Date.now() - POOL_FRESH_MS) } } });
}

/**
 * Without Redis the metrics live in the gateway's memory, out of this process's reach: the same series from the
 * durable call log instead, in 10-second buckets (no queue time: broker_calls does not record it).
 */
async function seriesFromCallLog(prisma: PrismaClient, brokerId: string, minutes: number): Promise<CallSeriesPoint[]> {
  const rows = await prisma.$queryRaw<
    { at: Date; calls: bigint; failures: bigint; p50: number | null; p99: number | null }[]
  >`
    SELECT buckets.at,
           count(c.id) AS calls,
           count(c.id) FILTER (WHERE c.outcome IN ('TIMEOUT', 'NETWORK', 'SERVER_ERROR', 'ERROR')) AS failures,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY c.latency_ms) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY c.latency_ms) AS p99
      FROM generate_series(date_bin('10 seconds', now() - make_interval(mins => ${minutes}), 'epoch'),
                           now(), interval '10 seconds') AS buckets(at)
      LEFT JOIN broker_calls c
        ON c.broker_id = ${brokerId} AND c.finished_at IS NOT NULL AND c.outcome <> 'NOT_SENT'
       AND c.started_at >= buckets.at AND c.started_at < buckets.at + interval '10 seconds'
     GROUP BY buckets.at ORDER BY buckets.at`;
  return rows.map((row) => {
    const calls = Number(row.calls);
    const failures = Number(row.failures);
    return {
      at: row.at.getTime(),
      calls,
      failures,
      failureRate: calls === 0 ? 0 : failures / calls,
      tps: calls / 10,
      p50Ms: row.p50 === null ? null : Math.round(row.p50),
      p99Ms: row.p99 === null ? null : Math.round(row.p99),
      queueP50Ms: null,
      queueP99Ms: null,
    };
  });
}
