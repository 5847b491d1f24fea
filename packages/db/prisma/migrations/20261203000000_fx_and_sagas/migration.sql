-- Won and dollars, and the sagas that move between them (seed 004).
--
-- fx_conversions is our side of every conversion at the FX desk: written REQUESTED (with the sold amount held on the
-- account) before the desk is called, DONE with the desk's amounts and rate in the same transaction as the two ledger
-- entries that book it, FAILED (hold released) when the desk definitely did not convert. The desk's daily report is
-- reconciled against it. client_key is the idempotency key the desk knows the conversion by.
CREATE TABLE "fx_conversions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "saga_id" UUID,
    "client_key" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "quote_id" TEXT,
    "sell_currency" VARCHAR(3) NOT NULL,
    "sell_amount" DECIMAL(20,4) NOT NULL,
    "buy_currency" VARCHAR(3) NOT NULL,
    "buy_amount" DECIMAL(20,4),
    "rate" DECIMAL(18,6),
    "status" TEXT NOT NULL DEFAULT 'REQUESTED',
    "desk_conversion_id" TEXT,
    "failure" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "fx_conversions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "fx_conversions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "fx_conversions_status_check" CHECK ("status" IN ('REQUESTED', 'DONE', 'FAILED')),
    CONSTRAINT "fx_conversions_currencies_check" CHECK ("sell_currency" IN ('KRW', 'USD') AND "buy_currency" IN ('KRW', 'USD') AND "sell_currency" <> "buy_currency"),
    CONSTRAINT "fx_conversions_amount_check" CHECK ("sell_amount" > 0 AND ("buy_amount" IS NULL OR "buy_amount" > 0))
);
CREATE UNIQUE INDEX "fx_conversions_client_key_key" ON "fx_conversions"("client_key");
CREATE INDEX "fx_conversions_account_id_status_idx" ON "fx_conversions"("account_id", "status");
CREATE INDEX "fx_conversions_saga_id_idx" ON "fx_conversions"("saga_id");
CREATE INDEX "fx_conversions_done_at_idx" ON "fx_conversions"("done_at");

ALTER TABLE "ledger_entries" ADD COLUMN "conversion_id" UUID;
CREATE INDEX "ledger_entries_conversion_id_idx" ON "ledger_entries"("conversion_id");

-- A saga: its definition (type), its input, what its steps produced so far (state), and where it stands. The runner
-- that advances it holds a lease (lease_owner, lease_until), so that two workers never run one saga at once and a
-- worker that died mid-step is replaced once its lease lapses. The customer's request key is unique per account (as
-- an order's is): another account's key names nothing of theirs.
CREATE TABLE "sagas" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "account_id" UUID NOT NULL,
    "idempotency_key" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "input" JSONB NOT NULL,
    "state" JSONB NOT NULL DEFAULT '{}',
    "order_id" UUID,
    "outcome" TEXT,
    "next_run_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sagas_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sagas_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "sagas_status_check" CHECK ("status" IN ('RUNNING', 'WAITING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED', 'NEEDS_OPERATOR'))
);
CREATE UNIQUE INDEX "sagas_account_id_idempotency_key_key" ON "sagas"("account_id", "idempotency_key");
CREATE INDEX "sagas_status_next_run_at_idx" ON "sagas"("status", "next_run_at");
CREATE INDEX "sagas_account_id_created_at_idx" ON "sagas"("account_id", "created_at");
CREATE INDEX "sagas_order_id_idx" ON "sagas"("order_id");

-- Each step of a saga, forward or compensation, as it ran: the saga's timeline. A compensation row is the compensation
-- registry's entry: PENDING with its attempts and next time until it is DONE, WAITING_OPERATOR after the bounded number
-- of tries, RESOLVED when an operator settled it by hand (who and why are in audit_log and on the row).
CREATE TABLE "saga_steps" (
    "saga_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "output" JSONB,
    "next_attempt_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolved_reason" TEXT,

    CONSTRAINT "saga_steps_pkey" PRIMARY KEY ("saga_id", "name"),
    CONSTRAINT "saga_steps_saga_id_fkey" FOREIGN KEY ("saga_id") REFERENCES "sagas"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "saga_steps_kind_check" CHECK ("kind" IN ('FORWARD', 'COMPENSATION')),
    CONSTRAINT "saga_steps_status_check" CHECK ("status" IN ('STARTED', 'RETRYING', 'DONE', 'FAILED', 'PENDING', 'WAITING_OPERATOR', 'RESOLVED'))
);
CREATE INDEX "saga_steps_kind_status_next_attempt_at_idx" ON "saga_steps"("kind", "status", "next_attempt_at");
