-- CreateEnum
CREATE TYPE "TccStatus" AS ENUM ('TRYING', 'CONFIRMED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "FenceState" AS ENUM ('TRIED', 'CONFIRMED', 'CANCELLED');

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "pay_fee_with_points" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "held_points" DECIMAL(20,0) NOT NULL DEFAULT 0,
ADD COLUMN "points_used" DECIMAL(20,0) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "points_balances" (
    "account_id" UUID NOT NULL,
    "available" DECIMAL(20,0) NOT NULL,
    "held" DECIMAL(20,0) NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "points_balances_pkey" PRIMARY KEY ("account_id")
);

-- CreateTable
CREATE TABLE "tcc_transactions" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "status" "TccStatus" NOT NULL DEFAULT 'TRYING',
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "escalated_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolution" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tcc_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tcc_fences" (
    "transaction_id" UUID NOT NULL,
    "participant" TEXT NOT NULL,
    "state" "FenceState" NOT NULL,
    "amount" DECIMAL(20,6) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tcc_fences_pkey" PRIMARY KEY ("transaction_id","participant")
);

-- CreateTable
CREATE TABLE "entity_history" (
    "id" BIGSERIAL NOT NULL,
    "entity" TEXT NOT NULL,
    "entity_key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "old_values" JSONB,
    "new_values" JSONB,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entity_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tcc_transactions_order_id_key" ON "tcc_transactions"("order_id");

-- CreateIndex
CREATE INDEX "tcc_transactions_status_deadline_idx" ON "tcc_transactions"("status", "deadline");

-- CreateIndex
CREATE INDEX "entity_history_entity_entity_key_id_idx" ON "entity_history"("entity", "entity_key", "id");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_idx" ON "audit_log"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "audit_log_created_at_idx" ON "audit_log"("created_at");

-- AddForeignKey
ALTER TABLE "points_balances" ADD CONSTRAINT "points_balances_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tcc_fences" ADD CONSTRAINT "tcc_fences_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "tcc_transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Change history (Hibernate Envers' idea, done by the database so that no write path can skip it). The writer
-- names itself with set_config('meridian.actor', …, true) and set_config('meridian.cause', …, true) inside its
-- transaction; a write without them is recorded as actor 'system'.
CREATE FUNCTION meridian_record_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_row JSONB := to_jsonb(NEW);
  entity_key TEXT;
BEGIN
  -- Read the key through JSON: a trigger shared by several tables cannot name a column only some of them have.
  entity_key := CASE TG_TABLE_NAME
    WHEN 'orders' THEN new_row->>'id'
    WHEN 'cash_balances' THEN (new_row->>'account_id') || '/' || (new_row->>'currency')
    WHEN 'holdings' THEN (new_row->>'account_id') || '/' || (new_row->>'symbol')
    WHEN 'points_balances' THEN new_row->>'account_id'
  END;
  INSERT INTO entity_history (entity, entity_key, operation, actor, cause, old_values, new_values)
  VALUES (TG_TABLE_NAME, entity_key, TG_OP,
          COALESCE(NULLIF(current_setting('meridian.actor', true), ''), 'system'),
          COALESCE(NULLIF(current_setting('meridian.cause', true), ''), ''),
          CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END, new_row);
  RETURN NEW;
END
$$;

CREATE TRIGGER orders_history AFTER INSERT OR UPDATE ON "orders" FOR EACH ROW EXECUTE FUNCTION meridian_record_history();
CREATE TRIGGER cash_balances_history AFTER INSERT OR UPDATE ON "cash_balances" FOR EACH ROW EXECUTE FUNCTION meridian_record_history();
CREATE TRIGGER holdings_history AFTER INSERT OR UPDATE ON "holdings" FOR EACH ROW EXECUTE FUNCTION meridian_record_history();
CREATE TRIGGER points_balances_history AFTER INSERT OR UPDATE ON "points_balances" FOR EACH ROW EXECUTE FUNCTION meridian_record_history();
