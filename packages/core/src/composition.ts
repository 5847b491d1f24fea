// Builds the process's services from its configuration: the one place adapters are chosen (DATABASE_URL → Postgres,
// REDIS_URL → Redis lock or database leases and shared or in-process flow control, BROKER_* → broker adapters). Web and worker call it once at start-up,
// with the configuration their entry point read (config/); tests may pass an environment instead.
import { createPrismaClient, getPrisma } from "@meridian/db";
import { Redis } from "ioredis";
import { pino } from "pino";
import { databaseCallLog } from "./broker/callLog";
import { BrokerRegistry, createBrokerRegistry } from "./broker/registry";
import { SimulatorControl } from "./broker/simulatorControl";
import { getConfig, loadConfig, type Environment } from "./config/load";
import type { MeridianConfig } from "./config/schema";
import { EntryCircuit } from "./flow/entry";
import { FlowControl, type FlowSettings } from "./flow/flowControl";
import { HttpFxDesk } from "./fxdesk/httpFxDesk";
import { HttpPointsService } from "./points/httpPointsService";
import { FX_DESK_PARTNER_ID } from "./fxdesk/port";
import { createAccountLock } from "./lock/createAccountLock";
import { QuoteService } from "./market/quotes";
import { OrderFeed } from "./orders/feed";
import type { CoreServices } from "./services";

export function createCoreServices(
  options: {
    config?: MeridianConfig;
    /** Read with loadConfig when no `config` is given; process.env by default. */
    env?: Environment;
    name?: string;
    prisma?: ReturnType<typeof createPrismaClient>;
  } = {},
): CoreServices {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  const prisma = options.prisma ?? getPrisma(config.database);
  const plain = createBrokerRegistry(config.brokers);
  const logger = pino({ name: options.name ?? "meridian", level: config.log.level });
  const flow = new FlowControl({
    prisma,
    // Flow control's Redis is its own connection: a breaker or metrics call never queues behind a lock's.
    redis: config.lock.redisUrl ? new Redis(config.lock.redisUrl, { maxRetriesPerRequest: 2 }) : null,
    redisPrefix: config.lock.redisPrefix,
    settings: flowSettings(config),
    logger,
    callLog: databaseCallLog(prisma),
    callTimeoutMs: config.brokers.timeoutMs,
  });
  const brokers = new BrokerRegistry(
    plain.all().map((adapter) => flow.wrap(adapter)),
    plain.routing,
  );
  const quotes = new QuoteService(brokers);
  const fxDesk = flow.wrapFxDesk(new HttpFxDesk({ baseUrl: config.fx.deskUrl, timeoutMs: config.brokers.timeoutMs }));
  return {
    prisma,
    lock: createAccountLock(prisma, config.lock),
    brokers,
    flow,
    quotes,
    entry: new EntryCircuit({ circuits: flow.circuits, brokers, quotes, settings: config.brokers.entry }),
    fxDesk,
    points: new HttpPointsService({
      baseUrl: config.points.url,
      secret: config.points.secret,
      timeoutMs: config.points.timeoutMs,
    }),
    simulator: new SimulatorControl(config.brokers.url, config.fx.deskUrl),
    orderFeed: new OrderFeed({ prisma, logger, ...config.orderFeed }),
    receiverUrl: config.worker.receiverUrl,
    retryPolicy: config.retry,
    config,
    logger,
  };
}

/**
 * Flow control's settings: the brokers' as configured, with the FX desk's promised calls per second (FX_DESK_TPS)
 * beside theirs, so the desk's rate limit is one more partner's. Exported for composition roots built by hand (tests).
 */
export function flowSettings(config: MeridianConfig): FlowSettings {
  return { ...config.brokers.flow, tps: { ...config.brokers.flow.tps, [FX_DESK_PARTNER_ID]: config.fx.tps } };
}

const globalForServices = globalThis as unknown as { meridianServices?: CoreServices };

/**
 * Process-wide services, kept on globalThis so that Next.js hot reloads and its separately bundled routes reuse one
 * Prisma pool, one lock client and one order feed (so one poller, however many browsers are subscribed).
 */
export function getCoreServices(): CoreServices {
  globalForServices.meridianServices ??= createCoreServices({ config: getConfig(), name: "web" });
  return globalForServices.meridianServices;
}
