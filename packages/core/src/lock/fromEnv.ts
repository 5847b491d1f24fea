import type { PrismaClient } from "@meridian/db";
import { Redis } from "ioredis";
import { DatabaseAccountLock } from "./databaseLock";
import { DEFAULT_LOCK_OPTIONS, type AccountLock } from "./port";
import { RedisAccountLock } from "./redisLock";

/** REDIS_URL set → the Redis lock; unset → lease rows in the database. */
export function createAccountLockFromEnv(prisma: PrismaClient, env: NodeJS.ProcessEnv = process.env): AccountLock {
  const options = {
    ...DEFAULT_LOCK_OPTIONS,
    leaseMs: Number(env.LOCK_LEASE_MS ?? DEFAULT_LOCK_OPTIONS.leaseMs),
    waitMs: Number(env.LOCK_WAIT_MS ?? DEFAULT_LOCK_OPTIONS.waitMs),
  };
  if (env.REDIS_URL) return new RedisAccountLock(new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 }), options);
  return new DatabaseAccountLock(prisma, options);
}
