// One process's flow control toward every broker: the parts shared through Redis (breaker, rate limit, metrics) or,
// without Redis, their in-memory equivalents (one gateway process, as `npm start` runs), an adaptive pool per broker,
// and the operator's levers read from broker_circuits. Built once in the composition root.
import { hostname } from "node:os";
import type { PrismaClient } from "@meridian/db";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { BrokerCallLog } from "../broker/callLog";
import type { BrokerAdapter } from "../broker/port";
import type { FxDesk } from "../fxdesk/port";
import { AdaptivePool, DEFAULT_ADAPTIVE_LIMIT } from "./adaptiveLimit";
import { memoryCallMetrics, redisCallMetrics, type BrokerCallMetrics } from "./callMetrics";
import { CircuitCache, mirrorTransition, type BrokerLevers } from "./circuits";
import {
  memoryBreaker,
  redisBreaker,
  type BreakerSettings,
  type SharedBreaker,
  type Transition,
} from "./circuitBreaker";
import { FlowControlledBroker } from "./flowControlledBroker";
import { FlowControlledFxDesk } from "./flowControlledFxDesk";
import { PartnerGuard } from "./partnerGuard";
import { memoryRateLimit, redisRateLimit, type BrokerRateLimit } from "./rateLimit";

const POOL_REPORT_MS = 1000;

export interface FlowSettings {
  pool: { max: number; min: number; maxQueue: number };
  /** Calls per second each partner (broker, "fxdesk") promised; 0: no limit. */
  tps: Record<string, number>;
  breaker: BreakerSettings;
}

export class FlowControl {
  readonly breaker: SharedBreaker;
  readonly metrics: BrokerCallMetrics;
  readonly rateLimit: BrokerRateLimit;
  /** broker_circuits as this process last read it: the operator's levers here, the entry circuit's breaker states. */
  readonly circuits: CircuitCache;
  private readonly pools = new Map<string, AdaptivePool>();
  /** The levers this process last handed to the rate limiter and the breaker, per broker. */
  private readonly applied = new Map<string, BrokerLevers>();
  private readonly processId = `${hostname()}:${process.pid}`;
  private publishedAt = 0;
  private publishTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      redis: Redis | null;
      /** REDIS_PREFIX: the processes of one system share their keys; another system on the same Redis has its own. */
      redisPrefix?: string;
      settings: FlowSettings;
      logger: Logger;
      callLog?: BrokerCallLog;
      /** The broker call timeout: the longest a call waits for the rate limit. */
      callTimeoutMs: number;
    },
  ) {
    const { redis, settings } = deps;
    const prefix = `${deps.redisPrefix ?? "meridian"}:flow`;
    this.breaker = redis
      ? redisBreaker(redis, settings.breaker, { prefix: `${prefix}:breaker` })
      : memoryBreaker(settings.breaker);
    this.metrics = redis ? redisCallMetrics(redis, { prefix: `${prefix}:calls` }) : memoryCallMetrics();
    this.rateLimit = redis ? redisRateLimit(redis, settings.tps, { prefix }) : memoryRateLimit(settings.tps);
    this.circuits = new CircuitCache(deps.prisma);
  }

  /** Whether the breaker, rate limit and metrics are shared by every process (Redis) or this process's own. */
  get shared(): boolean {
    return this.deps.redis !== null;
  }

  pool(brokerId: string): AdaptivePool {
    let pool = this.pools.get(brokerId);
    if (!pool) {
      const { max, min, maxQueue } = this.deps.settings.pool;
      const initial = Math.max(min, Math.min(max, DEFAULT_ADAPTIVE_LIMIT.initial));
      pool = new AdaptivePool(brokerId, { ...DEFAULT_ADAPTIVE_LIMIT, initial, min, max, maxQueue });
      this.pools.set(brokerId, pool);
    }
    return pool;
  }

  /**
   * One partner's flow control: its levers, its pool in this process, and the rate limit, breaker, metrics and call
   * log every partner shares. Any adapter of a partner institution calls through it (the brokers, the FX desk).
   */
  guard(partnerId: string): PartnerGuard {
    return new PartnerGuard(partnerId, {
      pool: this.pool(partnerId),
      breaker: this.breaker,
      rateLimit: this.rateLimit,
      metrics: this.metrics,
      levers: { of: (brokerId) => this.leversOf(brokerId) },
      callLog: this.deps.callLog,
      maxRateWaitMs: this.deps.callTimeoutMs,
      onTransition: (brokerId, transition) => this.onTransition(brokerId, transition),
      onPoolChanged: () => this.publishPools(),
    });
  }

  wrap(adapter: BrokerAdapter): FlowControlledBroker {
    return new FlowControlledBroker(adapter, this.guard(adapter.brokerId));
  }

  wrapFxDesk(desk: FxDesk): FlowControlledFxDesk {
    return new FlowControlledFxDesk(desk, this.guard(desk.partnerId));
  }

  /**
   * The levers, handing an operator's change to the shared parts on the way: a calls-per-second limit to the rate
   * limiter, a forced state or its release to the breaker (so that a release starts it closed with an empty window).
   * Every process applies a change it reads; applying one twice changes nothing.
   */
  private async leversOf(brokerId: string): Promise<BrokerLevers> {
    const levers = await this.circuits.levers(brokerId);
    const applied = this.applied.get(brokerId);
    if (applied?.tpsLimit !== levers.tpsLimit || applied?.forced !== levers.forced) {
      this.applied.set(brokerId, levers);
      await this.apply(brokerId, levers, applied).catch(() => this.applied.delete(brokerId));
    }
    return levers;
  }

  private async apply(brokerId: string, levers: BrokerLevers, before: BrokerLevers | undefined): Promise<void> {
    if (before?.tpsLimit !== levers.tpsLimit) await this.rateLimit.setLimit(brokerId, levers.tpsLimit);
    if (levers.forced) await this.breaker.force(brokerId, levers.forced);
    else if (before?.forced) await this.breaker.release(brokerId);
  }

  /**
   * Reports this process's pools to broker_pools, at most once per POOL_REPORT_MS, for the console (which runs in
   * another process); a change inside that time is reported when it ends, so the last report is never stale.
   */
  private publishPools(): void {
    const wait = this.publishedAt + POOL_REPORT_MS - Date.now();
    if (wait > 0) {
      this.publishTimer ??= setTimeout(() => {
        this.publishTimer = null;
        this.publishPools();
      }, wait).unref();
      return;
    }
    this.publishedAt = Date.now();
    const rows = [...this.pools.values()].map((pool) => ({
      brokerId: pool.brokerId,
      processId: this.processId,
      poolLimit: pool.limit,
      inFlight: pool.inFlight,
      queued: pool.queued,
      baselineMs: pool.aimd.baselineMs,
      updatedAt: new Date(),
    }));
    void Promise.all(
      rows.map((row) =>
        this.deps.prisma.brokerPool.upsert({
          where: { brokerId_processId: { brokerId: row.brokerId, processId: row.processId } },
          create: row,
          update: row,
        }),
      ),
    ).catch(() => undefined); // a report lost is replaced by the next one
  }

  /** Closes the Redis connection flow control opened (none without Redis). */
  async close(): Promise<void> {
    await this.deps.redis?.quit().catch(() => undefined);
  }

  private onTransition(brokerId: string, transition: Transition): void {
    this.deps.logger.warn({ brokerId, ...transition }, `${brokerId} breaker ${transition.from} → ${transition.to}`);
    mirrorTransition(this.deps.prisma, brokerId, transition).catch((error: Error) =>
      this.deps.logger.error({ brokerId, err: error }, "could not record the breaker's transition"),
    );
  }
}
