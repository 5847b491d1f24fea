// Delivery bookkeeping on the outbox row, shared by both transports. A row is handled by whoever holds its claim (a
// short lease), and `consumed_at` is set once its handler succeeded, so the Kafka consumer and the polling consumer
// never work on the same row at once and never hand a consumed row to a handler again. The handler's own idempotency
// (the inbox for the ledger, the order status and the broker's idempotency key for the gateway) covers the one gap
// left: a crash between a handler's commit and the row being marked.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import type { OutboxMessage, Topic } from "./topics";

export type MessageHandler = (message: OutboxMessage) => Promise<void>;
export type DeliveredVia = "kafka" | "polling";

/**
 * Claims up to `batchSize` unconsumed rows of `topic` and returns them in outbox order (an UPDATE … RETURNING alone
 * returns rows in no particular order); `olderThanMs` limits it to rows at least that old.
 */
export async function claimBatch(prisma: PrismaClient, topic: Topic, batchSize: number, claimMs: number, olderThanMs = 0): Promise<OutboxMessage[]> {
  return prisma.$queryRaw<OutboxMessage[]>`
    WITH picked AS (
      SELECT id FROM outbox_events
       WHERE topic = ${topic} AND consumed_at IS NULL AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
         AND created_at <= clock_timestamp() - make_interval(secs => ${olderThanMs / 1000})
         -- Only the oldest unconsumed row of each key: a key's next row waits until this one is handled, by whichever
         -- consumer, so one order's messages are never handled out of order or side by side.
         AND NOT EXISTS (SELECT 1 FROM outbox_events earlier
                          WHERE earlier.topic = outbox_events.topic AND earlier.key = outbox_events.key
                            AND earlier.consumed_at IS NULL AND earlier.seq < outbox_events.seq)
       ORDER BY seq LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE outbox_events SET claimed_until = clock_timestamp() + make_interval(secs => ${claimMs / 1000}), attempts = attempts + 1
        FROM picked WHERE outbox_events.id = picked.id
      RETURNING outbox_events.id, seq, topic, key, event_type, payload
    )
    SELECT id, topic, key, event_type AS "eventType", payload FROM claimed ORDER BY seq`;
}

export type RowState = "claimed" | "consumed" | "busy" | "missing";

/**
 * Claims the rows of messages that arrived by Kafka. Each id comes back "claimed" (ours to handle), "consumed"
 * (handled already: by polling during an outage, or before a crash), "busy" (another consumer holds its claim) or
 * "missing" (not a row of this database).
 */
export async function claimRows(prisma: PrismaClient, ids: string[], claimMs: number): Promise<Map<string, RowState>> {
  const claimed = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE outbox_events SET claimed_until = clock_timestamp() + make_interval(secs => ${claimMs / 1000}), attempts = attempts + 1
     WHERE id = ANY(${ids}::uuid[]) AND consumed_at IS NULL AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
    RETURNING id`;
  const states = new Map<string, RowState>(ids.map((id) => [id, "missing"]));
  for (const row of claimed) states.set(row.id, "claimed");
  const others = ids.filter((id) => states.get(id) !== "claimed");
  if (others.length) {
    const rows = await prisma.$queryRaw<{ id: string; consumed: boolean }[]>`
      SELECT id, consumed_at IS NOT NULL AS consumed FROM outbox_events WHERE id = ANY(${others}::uuid[])`;
    for (const row of rows) states.set(row.id, row.consumed ? "consumed" : "busy");
  }
  return states;
}

/** Keeps claims this consumer holds alive while it works (retries, waits) on rows before them. */
export async function extendClaims(prisma: PrismaClient, ids: string[], claimMs: number): Promise<void> {
  if (ids.length === 0) return;
  await prisma.$executeRaw`
    UPDATE outbox_events SET claimed_until = clock_timestamp() + make_interval(secs => ${claimMs / 1000})
     WHERE id = ANY(${ids}::uuid[]) AND consumed_at IS NULL`;
}

export async function markConsumed(prisma: PrismaClient, id: string, via: DeliveredVia): Promise<void> {
  await prisma.$executeRaw`
    UPDATE outbox_events SET consumed_at = clock_timestamp(), consumed_via = ${via}, claimed_until = NULL, last_error = NULL
     WHERE id = ${id}::uuid`;
}

/** After a failed handler: the claim is kept for a backoff that grows with the attempts, then the row is free again. */
export async function releaseAfterFailure(prisma: PrismaClient, id: string, reason: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE outbox_events SET last_error = ${reason.slice(0, 1000)},
           claimed_until = clock_timestamp() + make_interval(secs => LEAST(60, power(2, attempts)::int) / 4.0)
     WHERE id = ${id}::uuid`;
}

export async function releaseClaims(prisma: PrismaClient, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await prisma.$executeRaw`UPDATE outbox_events SET claimed_until = NULL WHERE id = ANY(${ids}::uuid[]) AND consumed_at IS NULL`;
}

/** Runs the handler for one claimed row and records the outcome; false when it failed (the row will come back). */
export async function deliver(prisma: PrismaClient, message: OutboxMessage, handler: MessageHandler, logger: Logger, via: DeliveredVia = "polling"): Promise<boolean> {
  try {
    await handler(message);
  } catch (error) {
    const reason = (error as Error).message;
    logger.warn({ eventId: message.id, topic: message.topic, via, err: reason }, "handler failed; will retry");
    await releaseAfterFailure(prisma, message.id, reason);
    return false;
  }
  await markConsumed(prisma, message.id, via);
  return true;
}
