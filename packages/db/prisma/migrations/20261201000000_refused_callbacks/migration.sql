-- CreateTable
CREATE TABLE "refused_callbacks" (
    "id" BIGSERIAL NOT NULL,
    "broker_id" TEXT NOT NULL,
    "reason_code" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "exec_id" TEXT,
    "order_id" TEXT,
    "body" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refused_callbacks_pkey" PRIMARY KEY ("id"),
    -- Text with a check rather than a Postgres enum: a new reason is one ALTER of this check, not an enum type change.
    CONSTRAINT "refused_callbacks_reason_code_check" CHECK ("reason_code" IN ('SIGNATURE', 'MALFORMED', 'UNKNOWN_BROKER', 'UNKNOWN_ORDER', 'MISMATCH'))
);

-- CreateIndex
CREATE INDEX "refused_callbacks_received_at_idx" ON "refused_callbacks"("received_at");

-- CreateIndex (the quarantine lists EXECUTION_REFUSED events across all orders, newest first)
CREATE INDEX "order_events_kind_created_at_idx" ON "order_events"("kind", "created_at");
