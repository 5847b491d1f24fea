export * from "./port";
export { DatabaseAccountLock } from "./databaseLock";
export { RedisAccountLock } from "./redisLock";
export { fenceAccount } from "./fence";
export { createAccountLock } from "./createAccountLock";
