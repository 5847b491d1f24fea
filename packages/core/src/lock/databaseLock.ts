// The embedded default: lease rows in `account_lock_leases` (the "account lock table" of Toss SLASH 22, "How one Apple
// share reaches the customer"). Right for one database. The row is never deleted, so its fencing counter only grows; a
// released lease just has an expiry in the past.
import type { PrismaClient } from "@meridian/db";
import { LocalQueue, withLease, type LeaseBackend } from "./lease";
import { DEFAULT_LOCK_OPTIONS, type AccountLock, type LockGrant, type LockOptions } from "./port";

export class DatabaseAccountLock implements AccountLock {
  private readonly backend: LeaseBackend;
  private readonly queue = new LocalQueue();

  constructor(
    prisma: PrismaClient,
    private readonly options: LockOptions = DEFAULT_LOCK_OPTIONS,
  ) {
    this.backend = {
      async tryAcquire(accountId, token, leaseMs) {
        // Tokens never fall below the clock in microseconds, so they keep growing even if this table is rebuilt
        // or the deployment moves between the database and the Redis lock.
        const rows = await prisma.$queryRaw<{ fencing_token: bigint }[]>`
          INSERT INTO account_lock_leases (account_id, token, fencing_token, expires_at)
          VALUES (${accountId}::uuid, ${token}, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
                  clock_timestamp() + make_interval(secs => ${leaseMs / 1000}))
          ON CONFLICT (account_id) DO UPDATE
             SET token = EXCLUDED.token,
                 fencing_token = GREATEST(account_lock_leases.fencing_token + 1, EXCLUDED.fencing_token),
                 expires_at = EXCLUDED.expires_at
           WHERE account_lock_leases.expires_at <= clock_timestamp()
          RETURNING fencing_token`;
        return rows[0]?.fencing_token ?? null;
      },
      async renew(accountId, token, leaseMs) {
        const updated = await prisma.$executeRaw`
          UPDATE account_lock_leases SET expires_at = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
           WHERE account_id = ${accountId}::uuid AND token = ${token} AND expires_at > clock_timestamp()`;
        return updated === 1;
      },
      async release(accountId, token) {
        await prisma.$executeRaw`
          UPDATE account_lock_leases SET expires_at = clock_timestamp() WHERE account_id = ${accountId}::uuid AND token = ${token}`;
      },
    };
  }

  withAccountLock<T>(accountId: string, work: (grant: LockGrant) => Promise<T>): Promise<T> {
    return withLease(this.backend, this.options, accountId, work, this.queue);
  }

  async close(): Promise<void> {}
}
