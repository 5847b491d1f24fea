-- Order commands travel on their broker's own topic (orders.commands.<broker_id>) instead of one orders.commands topic,
-- so a slow broker's backlog never delays another's. Commands still owed on the old topic move to their order's broker
-- topic, keeping their seq (one order's commands stay in order) and their attempts and parking. published_at is cleared
-- so that the relay publishes them again to the new Kafka topic (nothing consumes the old one any more), and a claim
-- held by a worker of the old version is let go. Consumed rows stay as they are, a record pruned by retention.
-- Run it with every process of the old version stopped: one still running would keep writing the old topic.
UPDATE "outbox_events" AS command
   SET "topic" = 'orders.commands.' || "orders"."broker_id",
       "published_at" = NULL,
       "claimed_until" = NULL
  FROM "orders"
 WHERE command."topic" = 'orders.commands'
   AND command."consumed_at" IS NULL
   AND "orders"."id"::text = command."key";
