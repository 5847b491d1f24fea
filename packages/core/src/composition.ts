// Builds the process's services from the environment: the one place adapters are chosen (DATABASE_URL → Postgres,
// REDIS_URL → Redis lock or database leases, BROKER_* → broker adapters). Web and worker call it once at start-up.
import { createPrismaClient, getPrisma } from "@meridian/db";
import { pino } from "pino";
import { databaseCallLog } from "./broker/callLog";
import { BrokerRegistry, createBrokerRegistryFromEnv } from "./broker/registry";
import { resilienceOptionsFromEnv, ResilientBroker } from "./broker/resilientBroker";
import { DEFAULT_BROKER_URL } from "./broker/registry";
import { SimulatorControl } from "./broker/simulatorControl";
import { createAccountLockFromEnv } from "./lock/fromEnv";
import { QuoteService } from "./market/quotes";
import type { CoreServices } from "./services";

export function createCoreServices(options: { env?: NodeJS.ProcessEnv; name?: string; prisma?: ReturnType<typeof createPrismaClient> } = {}): CoreServices {
  const env = options.env ?? process.env;
  const prisma = options.prisma ?? getPrisma();
  const plain = createBrokerRegistryFromEnv(env);
  const resilience = resilienceOptionsFromEnv(env);
  const callLog = databaseCallLog(prisma);
  const brokers = new BrokerRegistry(plain.all().map((adapter) => new ResilientBroker(adapter, resilience, callLog)), plain.routing);
  return {
    prisma,
    lock: createAccountLockFromEnv(prisma, env),
    brokers,
    quotes: new QuoteService(brokers),
    simulator: new SimulatorControl(env.BROKER_URL?.trim() || DEFAULT_BROKER_URL),
    logger: pino({ name: options.name ?? "meridian", level: env.LOG_LEVEL ?? "info" }),
  };
}

const globalForServices = globalThis as unknown as { meridianServices?: CoreServices };

/** Process-wide services, kept on globalThis so that Next.js hot reloads reuse one Prisma pool and one lock client. */
export function getCoreServices(): CoreServices {
  globalForServices.meridianServices ??= createCoreServices({ name: "web" });
  return globalForServices.meridianServices;
}
