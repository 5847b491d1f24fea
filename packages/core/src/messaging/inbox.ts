import type { Tx } from "@meridian/db";

/**
 * Records that `consumer` handled `eventId`, in the same transaction as the effect (dtm's barrier: insert-ignore,
 * then work). Returns false on a redelivery: the caller does nothing and commits nothing.
 */
export async function claimInbox(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO inbox_events (consumer, event_id) VALUES (${consumer}, ${eventId}) ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

/** claimInbox for many events in one statement: returns the ids that were new (the others are redeliveries). */
export async function claimInboxMany(tx: Tx, consumer: string, eventIds: string[]): Promise<string[]> {
  const inserted = await tx.$queryRaw<{ event_id: string }[]>`
    INSERT INTO inbox_events (consumer, event_id) SELECT ${consumer}, unnest(${eventIds}::text[])
    ON CONFLICT DO NOTHING RETURNING event_id`;
  return inserted.map((row) => row.event_id);
}
