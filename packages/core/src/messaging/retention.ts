// Retention of the pipeline's bookkeeping. A delivered outbox row is only history once its consumer has handled it,
// and an inbox row only guards against a redelivery that can still happen. So: outbox rows go some days after they were
// consumed (never before: polling claims unconsumed rows, whatever their age), and inbox rows go only well after any
// copy of their message could come back — from the outbox (deleted first) or from Kafka (whose log keeps 3 days,
// infra/kafka/server.properties). Business history (orders, order events, ledger entries, entity history, the audit
// log) is never pruned here: it is the brokerage's record.
import type { PrismaClient } from "@meridian/db";
import { inBatches } from "../shared/inBatches";
import { ALL_TOPICS, topicSpec } from "./topics";

export interface RetentionPolicy {
  outboxDays: number;
  inboxDays: number;
}

/** Longer than any Kafka log retention we run with, so that no message can outlive its inbox guard. */
const KAFKA_REDELIVERY_DAYS = 7;
/** Rows per DELETE: short statements, so pruning never holds long locks against the pipeline. */
const BATCH = 5000;

export function checkRetentionPolicy(policy: RetentionPolicy): RetentionPolicy {
  if (!(policy.outboxDays >= 1)) throw new Error(`OUTBOX_RETENTION_DAYS must be at least 1, got ${policy.outboxDays}`);
  if (!(policy.inboxDays >= policy.outboxDays + KAFKA_REDELIVERY_DAYS)) {
    throw new Error(
      `INBOX_RETENTION_DAYS (${policy.inboxDays}) must exceed OUTBOX_RETENTION_DAYS (${policy.outboxDays}) by at least ${KAFKA_REDELIVERY_DAYS} days, ` +
        "or a late redelivery could find its inbox guard gone and apply twice",
    );
  }
  return policy;
}

export async function pruneDeliveredMessages(
  prisma: PrismaClient,
  policy: RetentionPolicy,
): Promise<{ outbox: number; inbox: number }> {
  checkRetentionPolicy(policy);
  // A fan-out topic has no consuming role: its rows are delivered once the relay published them.
  const fanOut = ALL_TOPICS.filter((topic) => topicSpec(topic).consumer === null);
  const outbox = await inBatches(
    BATCH,
    () => prisma.$executeRaw`
      DELETE FROM outbox_events WHERE id IN (
        SELECT id FROM outbox_events
         WHERE consumed_at < now() - make_interval(days => ${policy.outboxDays})
            OR (topic = ANY(${fanOut}) AND published_at < now() - make_interval(days => ${policy.outboxDays}))
         LIMIT ${BATCH})`,
  );
  const inbox = await inBatches(
    BATCH,
    () => prisma.$executeRaw`
      DELETE FROM inbox_events WHERE (consumer, event_id) IN (
        SELECT consumer, event_id FROM inbox_events WHERE processed_at < now() - make_interval(days => ${policy.inboxDays}) LIMIT ${BATCH})`,
  );
  return { outbox, inbox };
}
