// Delivery bookkeeping on the outbox row, shared by both transports. A row is handled by whoever holds its claim (a
// short lease), and `consumed_at` is set once its handler succeeded, so the Kafka consumer and the polling consumer
// never work on the same row at once and never hand a consumed row to a handler again. The handler's own idempotency
// (the inbox for the ledger, the order status and the broker's idempotency key for the gateway) covers the one gap
// left: a crash between a handler's commit and the row being marked. A claim is renewed while its handler runs, and a
// row is claimed only when no earlier row of its key is still owed (parking.ts), so one order's messages are handled
// one at a time and in order.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { parkIfExhausted, type ParkingPolicy } from "./parking";
import type { OutboxMessage, Topic } from "./topics";

export type MessageHandler = (message: OutboxMessage) => Promise<void>;
export type DeliveredVia = "kafka" | "polling";

export interface ClaimedMessage extends OutboxMessage {
  /** The row is parked (its key waited on it): the rows behind it are due as soon as it goes through. */
  parked: boolean;
}

/**
 * Claims up to `batchSize` unconsumed rows of `topic` and returns them in outbox order (an UPDATE … RETURNING alone
 * returns rows in no particular order); `olderThanMs` limits it to rows at least that old, except parked rows, which
 * are taken when their retry is due whatever their age (Kafka has passed them by).
 */
export async function claimBatch(
  prisma: PrismaClient,
  topic: Topic,
  batchSize: number,
  claimMs: number,
  olderThanMs = 0,
): Promise<ClaimedMessage[]> {
  return prisma.$queryRaw<ClaimedMessage[]>`
    WITH picked AS (
      SELECT id FROM outbox_events
       WHERE topic = ${topic} AND consumed_at IS NULL AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
         AND CASE WHEN parked_at IS NULL THEN created_at <= clock_timestamp() - make_interval(secs => ${olderThanMs / 1000})
                  ELSE retry_at IS NULL OR retry_at <= clock_timestamp() END
         -- Only the oldest unconsumed row of each key: a key's next row waits until this one is handled, by whichever
         -- consumer, so one order's messages are never handled out of order or side by side.
         AND NOT EXISTS (SELECT 1 FROM outbox_events earlier
                          WHERE earlier.topic = outbox_events.topic AND earlier.key = outbox_events.key
                            AND earlier.consumed_at IS NULL AND earlier.seq < outbox_events.seq)
       ORDER BY seq LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE outbox_events SET claimed_until = clock_timestamp() + make_interval(secs => ${claimMs / 1000}), attempts = attempts + 1
        FROM picked WHERE outbox_events.id = picked.id
      RETURNING outbox_events.id, seq, topic, key, event_type, payload, parked_at
    )
    SELECT id, topic, key, event_type AS "eventType", payload, parked_at IS NOT NULL AS parked FROM claimed ORDER BY seq`;
}

export type RowState = "claimed" | "consumed" | "busy" | "parked" | "missing";

/**
 * Claims the rows of messages that arrived by Kafka. Each id comes back "claimed" (ours to handle), "consumed"
 * (handled already: by polling during an outage, or before a crash), "busy" (another consumer holds its claim, or the
 * claim of an earlier row of its key), "parked" (it, or an earlier row of its key, is parked: the sweeper's to deliver,
 * in order) or "missing" (not a row of this database).
 */
export async function claimRows(prisma: PrismaClient, ids: string[], claimMs: number): Promise<Map<string, RowState>> {
  // Earlier rows of the key in `ids` itself are not claimed yet when this statement reads them: the caller handles
  // them first, in partition order.
  const claimed = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE outbox_events SET claimed_until = clock_timestamp() + make_interval(secs => ${claimMs / 1000}), attempts = attempts + 1
     WHERE id = ANY(${ids}::uuid[]) AND consumed_at IS NULL AND parked_at IS NULL
       AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
       AND NOT EXISTS (SELECT 1 FROM outbox_events earlier
                        WHERE earlier.topic = outbox_events.topic AND earlier.key = outbox_events.key AND earlier.seq < outbox_events.seq
                          AND earlier.consumed_at IS NULL AND (earlier.parked_at IS NOT NULL OR earlier.claimed_until >= clock_timestamp()))
    RETURNING id`;
  const states = new Map<string, RowState>(ids.map((id) => [id, "missing"]));
  for (const row of claimed) states.set(row.id, "claimed");
  const others = ids.filter((id) => states.get(id) !== "claimed");
  if (others.length) {
    const rows = await prisma.$queryRaw<{ id: string; consumed: boolean; parked: boolean }[]>`
      SELECT id, consumed_at IS NOT NULL AS consumed,
             parked_at IS NOT NULL OR EXISTS (SELECT 1 FROM outbox_events earlier
                                               WHERE earlier.topic = candidate.topic AND earlier.key = candidate.key AND earlier.seq < candidate.seq
                                                 AND earlier.consumed_at IS NULL AND earlier.parked_at IS NOT NULL) AS parked
        FROM outbox_events candidate WHERE id = ANY(${others}::uuid[])`;
    for (const row of rows) states.set(row.id, row.consumed ? "consumed" : row.parked ? "parked" : "busy");
  }
  return states;
}

/**
 * Keeps claims this consumer holds alive while a handler runs, and while it works (retries, waits) on rows before them.
 */
export async function extendClaims(prisma: PrismaClient, ids: string[], claimMs: number): Promise<void> {
  if (ids.length === 0) return;
  await prisma.$executeRaw`
    UPDATE outbox_events SET claimed_until = clock_timestamp() + make_interval(secs => ${claimMs / 1000})
     WHERE id = ANY(${ids}::uuid[]) AND consumed_at IS NULL`;
}

/**
 * Marks a handled row consumed. Marks asked for in the same turn of the event loop go out in one statement: the
 * messages of one ledger batch finish together (their transaction committed), and a statement each would cost as much
 * as the batch saved. Each caller still waits for the statement that holds its row.
 */
export function markConsumed(prisma: PrismaClient, id: string, via: DeliveredVia): Promise<void> {
  const marks = pendingMarks.get(prisma) ?? new Map<DeliveredVia, PendingMarks>();
  pendingMarks.set(prisma, marks);
  let pending = marks.get(via);
  if (!pending) {
    const ids: string[] = [];
    const written = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      marks.delete(via);
      await prisma.$executeRaw`
        UPDATE outbox_events SET consumed_at = clock_timestamp(), consumed_via = ${via}, claimed_until = NULL, last_error = NULL
         WHERE id = ANY(${ids}::uuid[])`;
    });
    pending = { ids, written };
    marks.set(via, pending);
  }
  pending.ids.push(id);
  return pending.written;
}

interface PendingMarks {
  ids: string[];
  written: Promise<void>;
}

const pendingMarks = new WeakMap<PrismaClient, Map<DeliveredVia, PendingMarks>>();

/** After a failed handler: the claim is kept for a backoff that grows with the attempts, then the row is free again. */
export async function releaseAfterFailure(prisma: PrismaClient, id: string, reason: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE outbox_events SET last_error = ${reason.slice(0, 1000)},
           claimed_until = clock_timestamp() + make_interval(secs => LEAST(60, power(2, attempts)::int) / 4.0)
     WHERE id = ${id}::uuid`;
}

/** The Kafka consumer retries in place, keeping its claim: each retry counts as an attempt, as a new claim would. */
export async function countRetry(prisma: PrismaClient, id: string, reason: string): Promise<void> {
  await prisma.$executeRaw`UPDATE outbox_events SET attempts = attempts + 1, last_error = ${reason.slice(0, 1000)} WHERE id = ${id}::uuid`;
}

export async function releaseClaims(prisma: PrismaClient, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await prisma.$executeRaw`UPDATE outbox_events SET claimed_until = NULL WHERE id = ANY(${ids}::uuid[]) AND consumed_at IS NULL`;
}

/**
 * Runs `work` while `renew` extends claims every third of a claim: a handler slower than its claim (lock waits, a slow
 * broker) keeps its row, so a sweeper never claims it again and runs the same handler beside it. Renewal stops, and a
 * renewal under way is waited for, before this returns, so it cannot overwrite what the caller records next.
 */
export async function whileRenewingClaims<T>(
  renew: () => Promise<void>,
  claimMs: number,
  logger: Logger,
  work: () => Promise<T>,
): Promise<T> {
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing
      .then(renew)
      .catch((error) => logger.warn({ err: (error as Error).message }, "could not renew a claim"));
  }, claimMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await renewing;
  }
}

export interface DeliveryOptions {
  logger: Logger;
  claimMs: number;
  parking: ParkingPolicy;
  via?: DeliveredVia;
}

/**
 * Runs the handler for one claimed row and records the outcome; false when it failed (the row comes back, or parks).
 */
export async function deliver(
  prisma: PrismaClient,
  message: OutboxMessage,
  handler: MessageHandler,
  { logger, claimMs, parking, via = "polling" }: DeliveryOptions,
): Promise<boolean> {
  try {
    await whileRenewingClaims(
      () => extendClaims(prisma, [message.id], claimMs),
      claimMs,
      logger,
      () => handler(message),
    );
  } catch (error) {
    const reason = (error as Error).message;
    if (await parkIfExhausted(prisma, message.id, reason, parking)) {
      logger.error(
        { eventId: message.id, topic: message.topic, key: message.key, via, err: reason },
        "handler keeps failing; its key is parked",
      );
      return false;
    }
    logger.warn({ eventId: message.id, topic: message.topic, via, err: reason }, "handler failed; will retry");
    await releaseAfterFailure(prisma, message.id, reason);
    return false;
  }
  await markConsumed(prisma, message.id, via);
  return true;
}
