-- CreateTable
CREATE TABLE "broker_calls" (
    "id" BIGSERIAL NOT NULL,
    "broker_id" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "order_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "latency_ms" INTEGER,
    "error" TEXT,

    CONSTRAINT "broker_calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "broker_calls_broker_id_started_at_idx" ON "broker_calls"("broker_id", "started_at");

-- CreateIndex (polling claims only the oldest unconsumed row of each key)
CREATE INDEX "outbox_events_topic_key_seq_idx" ON "outbox_events"("topic", "key", "seq");
