-- A message whose handler keeps failing parks its key instead of being skipped: later messages of the same order wait
-- behind it until a slow retry or an operator's "retry now" gets it through.

-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN "parked_at" TIMESTAMPTZ(3),
ADD COLUMN "retry_at" TIMESTAMPTZ(3);
