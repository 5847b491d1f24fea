-- The invariant checker (packages/core/src/invariants/): its progress per checker and the violations it found.

-- CreateTable
CREATE TABLE "invariant_checks" (
    "name" TEXT NOT NULL,
    "history_cursor" BIGINT NOT NULL DEFAULT 0,
    "ledger_cursor" BIGINT NOT NULL DEFAULT 0,
    "gaps" JSONB,
    "receipt_cutoff" TIMESTAMPTZ(3),
    "last_pass_at" TIMESTAMPTZ(3),
    "last_pass_ms" INTEGER,
    "last_pass_kind" TEXT,
    "last_accounts_checked" INTEGER NOT NULL DEFAULT 0,
    "last_orders_checked" INTEGER NOT NULL DEFAULT 0,
    "last_rows_read" INTEGER NOT NULL DEFAULT 0,
    "last_full_sweep_at" TIMESTAMPTZ(3),
    "last_full_sweep_ms" INTEGER,

    CONSTRAINT "invariant_checks_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "invariant_violations" (
    "id" BIGSERIAL NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "invariant" TEXT NOT NULL,
    "account_id" UUID,
    "order_id" UUID,
    "message" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "invariant_violations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "invariant_violations_resolved_at_last_seen_at_idx" ON "invariant_violations"("resolved_at", "last_seen_at");

-- CreateIndex
CREATE INDEX "invariant_violations_fingerprint_idx" ON "invariant_violations"("fingerprint");

-- CreateIndex (receipts that passed the checker's grace period since its last pass)
CREATE INDEX "execution_receipts_received_at_idx" ON "execution_receipts"("received_at");

-- CreateIndex ("is this execution booked?": a ledger entry names it)
CREATE INDEX "ledger_entries_execution_id_idx" ON "ledger_entries"("execution_id");
