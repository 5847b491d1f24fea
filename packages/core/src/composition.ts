// Builds the process's services from the environment: the one place adapters are chosen (DATABASE_URL → Postgres,
// REDIS_URL → Redis lock or database leases, BROKER_* → broker adapters). Web and worker call it once at start-up.
import { createPrismaClient, getPrisma } from "@meridian/db";
import { pino } from "pino";
import { databaseCallLog } from "./broker/callLog";
import { BrokerRegistry, createBrokerRegistryFromEnv } from "./broker/registry";
import { resilienceOptionsFromEnv, ResilientBroker } from "./broker/resilientBroker";
import { DEFAULT_BROKER_URL } from "./broker/registry";
import { SimulatorControl } from "./broker/simulatorControl";
import { retryPolicyFromEnv } from "./gateway/retryPolicy";
import { createAccountLockFromEnv } from "./lock/fromEnv";
import { QuoteService } from "./market/quotes";
import { OrderFeed, orderFeedOptionsFromEnv } from "./orders/feed";
import type { CoreServices } from "./services";

const DEFAULT_RECEIVER_URL = "http://127.0.0.1:4200";

export function createCoreServices(
  options: { env?: NodeJS.ProcessEnv; name?: string; prisma?: ReturnType<typeof createPrismaClient> } = {},
): CoreServices {
  const env = options.env ?? process.env;
  const prisma = options.prisma ?? getPrisma();
  const plain = createBrokerRegistryFromEnv(env);
  const resilience = resilienceOptionsFromEnv(env);
  const callLog = databaseCallLog(prisma);
  const brokers = new BrokerRegistry(
    plain.all().map((adapter) => new ResilientBroker(adapter, resilience, callLog)),
    plain.routing,
  );
  const logger = pino({ name: options.name ?? "meridian", level: env.LOG_LEVEL ?? "info" });
  return {
    prisma,
    lock: createAccountLockFromEnv(prisma, env),
    brokers,
    quotes: new QuoteService(brokers),
    simulator: new SimulatorControl(env.BROKER_URL?.trim() || DEFAULT_BROKER_URL),
    orderFeed: new OrderFeed({ prisma, logger, ...orderFeedOptionsFromEnv(env) }),
    receiverUrl: env.RECEIVER_URL?.trim() || DEFAULT_RECEIVER_URL,
    retryPolicy: retryPolicyFromEnv(env),
    logger,
  };
}

const globalForServices = globalThis as unknown as { meridianServices?: CoreServices };

/**
 * Process-wide services, kept on globalThis so that Next.js hot reloads and its separately bundled routes reuse one
 * Prisma pool, one lock client and one order feed (so one poller, however many browsers are subscribed).
 */
export function getCoreServices(): CoreServices {
  globalForServices.meridianServices ??= createCoreServices({ name: "web" });
  return globalForServices.meridianServices;
}
