// The distributed lock on Redis: SET NX PX with a random token; release and renew are compare-and-delete /
// compare-and-extend scripts, so a holder can only ever touch its own lease.
import type { Redis } from "ioredis";
import { LocalQueue, withLease, type LeaseBackend } from "./lease";
import { DEFAULT_LOCK_OPTIONS, type AccountLock, type LockGrant, type LockOptions } from "./port";

// The fencing counter never falls below Redis' clock in microseconds: Redis here keeps nothing on disk, and a counter
// that restarted at 1 would be refused forever by accounts that already stored a larger token.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local now = redis.call('TIME')
  local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
  local current = tonumber(redis.call('GET', KEYS[2]) or '0')
  local nextToken = math.max(current + 1, floor)
  redis.call('SET', KEYS[2], string.format('%.0f', nextToken))
  return string.format('%.0f', nextToken)
end
return false`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisAccountLock implements AccountLock {
  private readonly backend: LeaseBackend;
  private readonly queue = new LocalQueue();

  constructor(
    private readonly redis: Redis,
    private readonly options: LockOptions = DEFAULT_LOCK_OPTIONS,
    prefix = "meridian",
  ) {
    const lockKey = (accountId: string) => `${prefix}:lock:account:${accountId}`;
    const fenceKey = (accountId: string) => `${prefix}:fence:account:${accountId}`;
    this.backend = {
      async tryAcquire(accountId, token, leaseMs) {
        const result = (await redis.eval(ACQUIRE, 2, lockKey(accountId), fenceKey(accountId), token, leaseMs)) as
          string | null;
        return result ? BigInt(result) : null;
      },
      async renew(accountId, token, leaseMs) {
        return (await redis.eval(RENEW, 1, lockKey(accountId), token, leaseMs)) === 1;
      },
      async release(accountId, token) {
        await redis.eval(RELEASE, 1, lockKey(accountId), token);
      },
    };
  }

  withAccountLock<T>(accountId: string, work: (grant: LockGrant) => Promise<T>): Promise<T> {
    return withLease(this.backend, this.options, accountId, work, this.queue);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
