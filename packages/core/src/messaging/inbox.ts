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
