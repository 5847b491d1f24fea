// Parking: a message whose handler keeps failing is neither skipped nor retried at full speed for ever. Its row is
// marked parked and stays unconsumed, and every later row of its key (its order) waits behind it, on both transports:
// skipping it would let a cancel run before its submit. The sweeper retries a parked row slowly, or at once when an
// operator asks; once it goes through, the rows behind it follow in order.
import type { PrismaClient } from "@meridian/db";

export interface ParkingPolicy {
  /**
   * Handler runs before a message parks its key. Default 10: with the account lock's bounded wait (5 s) and the
   * backoffs, about a minute, longer than a dead holder's lock lease, so a passing outage does not park anything.
   */
  parkAfterAttempts: number;
  /** Wait before a parked message's first slow retry; it doubles with each failed retry, up to `parkedRetryMaxMs`. */
  parkedRetryMs: number;
  parkedRetryMaxMs: number;
}

export const DEFAULT_PARKING: ParkingPolicy = {
  parkAfterAttempts: 10,
  parkedRetryMs: 60_000,
  parkedRetryMaxMs: 600_000,
};

/**
 * After a failed run: parks the row if it has had its attempts (last error kept, claim let go, next slow retry
 * scheduled) and returns true; false leaves the row untouched for the caller's ordinary retry.
 */
export async function parkIfExhausted(
  prisma: PrismaClient,
  id: string,
  reason: string,
  policy: ParkingPolicy,
): Promise<boolean> {
  const parked = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE outbox_events
       SET last_error = ${reason.slice(0, 1000)}, parked_at = coalesce(parked_at, clock_timestamp()), claimed_until = NULL,
           retry_at = clock_timestamp() + make_interval(secs => LEAST(${policy.parkedRetryMaxMs}::float8,
                        ${policy.parkedRetryMs}::float8 * power(2, LEAST(attempts - ${policy.parkAfterAttempts}, 30))) / 1000)
     WHERE id = ${id}::uuid AND consumed_at IS NULL AND attempts >= ${policy.parkAfterAttempts}
    RETURNING id`;
  return parked.length === 1;
}

/**
 * Marks a row that Kafka passed by because an earlier row of its key is parked: it is the sweeper's now, which takes
 * it (whatever its age) once it is the oldest unconsumed row of its key.
 */
export async function parkBehind(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE outbox_events SET parked_at = clock_timestamp() WHERE id = ${id}::uuid AND consumed_at IS NULL AND parked_at IS NULL`;
}

export interface ParkedMessage {
  id: string;
  topic: string;
  /** The order id, for every topic that has a consumer. */
  key: string;
  eventType: string;
  attempts: number;
  lastError: string | null;
  /** ISO timestamps (JSON-ready for the console). */
  parkedAt: string;
  /** When the sweeper runs it again; null or past: as soon as it looks. */
  retryAt: string | null;
  /** Later messages of the same key waiting behind it. */
  waiting: number;
}

type ParkedRow = Omit<ParkedMessage, "parkedAt" | "retryAt" | "waiting"> & {
  parkedAt: Date;
  retryAt: Date | null;
  waiting: bigint;
};

/** The message each parked key waits on (the oldest unconsumed row of a key, when it is parked), oldest first. */
export async function listParkedMessages(prisma: PrismaClient): Promise<ParkedMessage[]> {
  const rows = await prisma.$queryRaw<ParkedRow[]>`
    SELECT head.id, head.topic, head.key, head.event_type AS "eventType", head.attempts, head.last_error AS "lastError",
           head.parked_at AS "parkedAt", head.retry_at AS "retryAt",
           (SELECT count(*) FROM outbox_events later
             WHERE later.topic = head.topic AND later.key = head.key AND later.consumed_at IS NULL AND later.seq > head.seq) AS waiting
      FROM outbox_events head
     WHERE head.parked_at IS NOT NULL AND head.consumed_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM outbox_events earlier
                        WHERE earlier.topic = head.topic AND earlier.key = head.key AND earlier.consumed_at IS NULL AND earlier.seq < head.seq)
     ORDER BY head.parked_at, head.seq`;
  return rows.map((row) => ({
    ...row,
    parkedAt: row.parkedAt.toISOString(),
    retryAt: row.retryAt?.toISOString() ?? null,
    waiting: Number(row.waiting),
  }));
}
