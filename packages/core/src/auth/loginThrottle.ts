// Login throttling, after rate-limiter-flexible's "login endpoint protection" recipe: failed sign-ins in a row are
// counted per email (registered or not, so the answer never tells whether an email exists) and per source address.
// Past the limit the key is locked; each further lockout within a day doubles, up to a ceiling; a success clears the
// email's count. With Redis the counts are shared by every web process, else (the embedded default) each process has
// its own. Counting is failure-only: a person who signs in correctly never waits.
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { CoreServices } from "../services";

export interface LoginKeys {
  /** The normalized email (trimmed, lower case). */
  email: string;
  /** The source address, when the edge knows it. */
  address: string | null;
}

export interface LoginThrottle {
  /** How long sign-in stays locked for these keys (the longer of the two); 0 when it may be tried. */
  lockedForMs(keys: LoginKeys): Promise<number>;
  /** Counts a failed sign-in; answers the lockout it started (ms), 0 when none. */
  recordFailure(keys: LoginKeys): Promise<number>;
  /** A correct password: the email's failures and lockout history are forgotten (the address's are not). */
  recordSuccess(keys: LoginKeys): Promise<void>;
  close(): Promise<void>;
}

/** The `auth` block of the configuration (LOGIN_* settings). */
export interface LoginThrottleSettings {
  maxFailuresPerEmail: number;
  maxFailuresPerAddress: number;
  lockoutBaseMs: number;
  lockoutMaxMs: number;
}

/** Failures and lockouts are remembered this long after the last one: "in a row" means within a day. */
const MEMORY_SECONDS = 24 * 60 * 60;

type LimiterFactory = (keyPrefix: string, points: number) => RateLimiterAbstract;

/** The growing lockout: base, 2·base, 4·base, … up to max; whole seconds, because Redis expiry (EX) is in seconds. */
export function lockoutMs(
  lockoutNumber: number,
  settings: Pick<LoginThrottleSettings, "lockoutBaseMs" | "lockoutMaxMs">,
) {
  const ms = Math.min(settings.lockoutBaseMs * 2 ** (lockoutNumber - 1), settings.lockoutMaxMs);
  return Math.max(1000, Math.ceil(ms / 1000) * 1000);
}

/** One kind of key (email or address): its failure counter, locked by `block`, and how many lockouts it had. */
function consecutiveFailures(
  limiter: LimiterFactory,
  kind: string,
  maxFailures: number,
  settings: LoginThrottleSettings,
) {
  const failures = limiter(`${kind}:failures`, maxFailures);
  const lockouts = limiter(`${kind}:lockouts`, Number.MAX_SAFE_INTEGER);
  return {
    async lockedForMs(key: string): Promise<number> {
      const counted = await failures.get(key);
      return counted && counted.consumedPoints > maxFailures ? Math.max(0, counted.msBeforeNext) : 0;
    },
    async recordFailure(key: string): Promise<number> {
      const counted = await failures.penalty(key, 1);
      if (counted.consumedPoints < maxFailures) return 0;
      const lockout = await lockouts.penalty(key, 1);
      const ms = lockoutMs(lockout.consumedPoints, settings);
      // block() marks the counter as over its limit until the lockout ends; then the key expires and counting restarts.
      await failures.block(key, ms / 1000);
      return ms;
    },
    async forget(key: string): Promise<void> {
      await Promise.all([failures.delete(key), lockouts.delete(key)]);
    },
  };
}

function throttleOver(
  limiter: LimiterFactory,
  settings: LoginThrottleSettings,
  close: () => Promise<void>,
): LoginThrottle {
  const byEmail = consecutiveFailures(limiter, "email", settings.maxFailuresPerEmail, settings);
  const byAddress = consecutiveFailures(limiter, "address", settings.maxFailuresPerAddress, settings);
  return {
    async lockedForMs({ email, address }) {
      const [emailMs, addressMs] = await Promise.all([
        byEmail.lockedForMs(email),
        address ? byAddress.lockedForMs(address) : 0,
      ]);
      return Math.max(emailMs, addressMs);
    },
    async recordFailure({ email, address }) {
      const [emailMs, addressMs] = await Promise.all([
        byEmail.recordFailure(email),
        address ? byAddress.recordFailure(address) : 0,
      ]);
      return Math.max(emailMs, addressMs);
    },
    recordSuccess: ({ email }) => byEmail.forget(email),
    close,
  };
}

export function redisLoginThrottle(redis: Redis, settings: LoginThrottleSettings, options: { prefix: string }) {
  const limiter: LimiterFactory = (name, points) => {
    const keyPrefix = `${options.prefix}:${name}`;
    // While Redis fails, each process counts alone: weaker than shared counts, stronger than none.
    const insuranceLimiter = new RateLimiterMemory({ keyPrefix, points, duration: MEMORY_SECONDS });
    return new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: MEMORY_SECONDS, insuranceLimiter });
  };
  return throttleOver(limiter, settings, async () => {
    await redis.quit().catch(() => undefined);
  });
}

export function memoryLoginThrottle(settings: LoginThrottleSettings) {
  const limiter: LimiterFactory = (name, points) =>
    new RateLimiterMemory({ keyPrefix: `login:${name}`, points, duration: MEMORY_SECONDS });
  return throttleOver(limiter, settings, async () => undefined);
}

const throttles = new WeakMap<CoreServices, LoginThrottle>();

/**
 * The process's throttle, built on first use from its services' settings: Redis when REDIS_URL is set (a connection
 * of its own, as flow control has), else memory. Kept beside the services it was built from, so every request of a
 * process, and every test harness, has exactly one.
 */
export function loginThrottleOf(services: CoreServices): LoginThrottle {
  let throttle = throttles.get(services);
  if (!throttle) {
    const { config } = services;
    throttle = config.lock.redisUrl
      ? redisLoginThrottle(new Redis(config.lock.redisUrl, { maxRetriesPerRequest: 2 }), config.auth, {
          prefix: `${config.lock.redisPrefix}:auth:login`,
        })
      : memoryLoginThrottle(config.auth);
    throttles.set(services, throttle);
  }
  return throttle;
}

/** Closes the Redis connection the throttle of `services` opened, if any (tests; process shutdown). */
export async function closeLoginThrottle(services: CoreServices): Promise<void> {
  await throttles.get(services)?.close();
  throttles.delete(services);
}
