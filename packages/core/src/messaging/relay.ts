// The outbox relay: publishes committed outbox rows to Kafka in outbox order and marks them published. One relay at a
// time holds the lease (any worker may run one), so two relays never interleave one order's rows in Kafka. A row is
// marked only after Kafka acknowledged it (acks=all); a crash in between publishes it again, and consumers skip the
// copy (its row is consumed already, or the inbox stops it).
import type { PrismaClient } from "@meridian/db";
import type { OutboxMessage } from "./topics";

const LEASE_NAME = "outbox";

export interface PendingRow extends OutboxMessage {
  seq: bigint;
}

/** Takes or renews the relay lease for `holder`; false while another live relay holds it. */
export async function acquireRelayLease(prisma: PrismaClient, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ holder: string }[]>`
    INSERT INTO outbox_relay_leases (name, holder, expires_at)
    VALUES (${LEASE_NAME}, ${holder}, clock_timestamp() + make_interval(secs => ${leaseMs / 1000}))
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
     WHERE outbox_relay_leases.holder = EXCLUDED.holder OR outbox_relay_leases.expires_at < clock_timestamp()
    RETURNING holder`;
  return rows.length === 1;
}

export async function releaseRelayLease(prisma: PrismaClient, holder: string): Promise<void> {
  await prisma.$executeRaw`DELETE FROM outbox_relay_leases WHERE name = ${LEASE_NAME} AND holder = ${holder}`;
}

/** Rows no transport has delivered yet and the relay has not published, oldest first. */
export function pendingRows(prisma: PrismaClient, limit: number): Promise<PendingRow[]> {
  return prisma.$queryRaw<PendingRow[]>`
    SELECT id, seq, topic, key, event_type AS "eventType", payload FROM outbox_events
     WHERE published_at IS NULL AND consumed_at IS NULL
     ORDER BY seq LIMIT ${limit}`;
}

export async function markPublished(prisma: PrismaClient, ids: string[]): Promise<void> {
  await prisma.$executeRaw`UPDATE outbox_events SET published_at = clock_timestamp() WHERE id = ANY(${ids}::uuid[]) AND published_at IS NULL`;
}

/** One relay step: publish up to `limit` pending rows with `publish` (which throws if Kafka did not take them all). */
export async function relayOnce(
  prisma: PrismaClient,
  publish: (rows: PendingRow[]) => Promise<void>,
  limit: number,
): Promise<number> {
  const rows = await pendingRows(prisma, limit);
  if (rows.length === 0) return 0;
  await publish(rows);
  await markPublished(
    prisma,
    rows.map((row) => row.id),
  );
  return rows.length;
}
