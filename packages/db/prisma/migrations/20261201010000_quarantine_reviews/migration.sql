-- CreateTable
CREATE TABLE "quarantine_reviews" (
    "id" BIGSERIAL NOT NULL,
    "refused_callback_id" BIGINT,
    "order_event_id" BIGINT,
    "reviewed_by" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "reviewed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quarantine_reviews_pkey" PRIMARY KEY ("id"),
    -- A review is of exactly one entry: a refused callback or a ledger refusal (an order event).
    CONSTRAINT "quarantine_reviews_one_entry_check" CHECK (num_nonnulls("refused_callback_id", "order_event_id") = 1)
);

-- CreateIndex (one review per entry: a second one, even a concurrent one, is refused here)
CREATE UNIQUE INDEX "quarantine_reviews_refused_callback_id_key" ON "quarantine_reviews"("refused_callback_id");

-- CreateIndex
CREATE UNIQUE INDEX "quarantine_reviews_order_event_id_key" ON "quarantine_reviews"("order_event_id");

-- AddForeignKey (a pruned refused callback takes its review with it)
ALTER TABLE "quarantine_reviews" ADD CONSTRAINT "quarantine_reviews_refused_callback_id_fkey" FOREIGN KEY ("refused_callback_id") REFERENCES "refused_callbacks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quarantine_reviews" ADD CONSTRAINT "quarantine_reviews_order_event_id_fkey" FOREIGN KEY ("order_event_id") REFERENCES "order_events"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quarantine_reviews" ADD CONSTRAINT "quarantine_reviews_reviewed_by_fkey" FOREIGN KEY ("reviewed_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
