import type { PrismaClient } from "@meridian/db";
import { Redis } from "ioredis";
import { DatabaseAccountLock } from "./databaseLock";
import { DEFAULT_LOCK_OPTIONS, type AccountLock } from "./port";
import { RedisAccountLock } from "./redisLock";

/** The lock adapter, chosen once by the composition root: REDIS_URL set → the Redis lock; unset → database leases. */
export function createAccountLock(
  prisma: PrismaClient,
  settings: { redisUrl?: string; leaseMs: number; waitMs: number },
): AccountLock {
  const options = { ...DEFAULT_LOCK_OPTIONS, leaseMs: settings.leaseMs, waitMs: settings.waitMs };
  if (settings.redisUrl) {
    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 2 });
    // While Redis is down the client reports every failed reconnect here; the lock's own calls fail with the cause
    // and reach the caller as "briefly unavailable" (lease.ts), so the connection's events add nothing but noise.
    redis.on("error", () => undefined);
    return new RedisAccountLock(redis, options);
  }
  return new DatabaseAccountLock(prisma, options);
}
