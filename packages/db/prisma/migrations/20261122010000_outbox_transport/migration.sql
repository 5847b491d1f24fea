-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN "consumed_at" TIMESTAMPTZ(3),
ADD COLUMN "consumed_via" TEXT;

-- Until now the polling consumer set "published_at" when it had handled a row; from here on "published_at" means
-- "sent to Kafka by the relay" and "consumed_at" means "handled by its consumer", whichever transport delivered it.
UPDATE "outbox_events" SET "consumed_at" = "published_at", "consumed_via" = 'polling', "published_at" = NULL WHERE "published_at" IS NOT NULL;

-- DropIndex
DROP INDEX "outbox_events_topic_published_at_seq_idx";

-- CreateTable
CREATE TABLE "outbox_relay_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outbox_relay_leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "outbox_events_topic_consumed_at_seq_idx" ON "outbox_events"("topic", "consumed_at", "seq");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_consumed_at_seq_idx" ON "outbox_events"("published_at", "consumed_at", "seq");
