-- CreateEnum
CREATE TYPE "ReconMismatchClass" AS ENUM ('MISSING_AT_BROKER', 'MISSING_HERE', 'QUANTITY', 'PRICE', 'STATUS', 'MISSING_EXECUTION');

-- CreateEnum
CREATE TYPE "ReconFix" AS ENUM ('INGEST_EXECUTION', 'CLOSE_CANCELLED', 'CLOSE_REJECTED', 'MARK_ACCEPTED', 'ACKNOWLEDGE');

-- CreateEnum
CREATE TYPE "ReconItemStatus" AS ENUM ('PROPOSED', 'AUTO_APPLIED', 'APPLIED', 'REJECTED', 'SUPERSEDED');

-- CreateTable
CREATE TABLE "recon_runs" (
    "id" UUID NOT NULL,
    "broker_id" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "triggered_by" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "orders_compared" INTEGER NOT NULL DEFAULT 0,
    "orders_in_flight" INTEGER NOT NULL DEFAULT 0,
    "carry_from" TIMESTAMPTZ(3),
    "mismatches" INTEGER NOT NULL DEFAULT 0,
    "auto_applied" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "recon_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recon_items" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "broker_id" TEXT NOT NULL,
    "class" "ReconMismatchClass" NOT NULL,
    "order_id" UUID,
    "client_order_id" TEXT NOT NULL,
    "exec_id" TEXT,
    "fingerprint" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "proposed_fix" "ReconFix" NOT NULL,
    "status" "ReconItemStatus" NOT NULL DEFAULT 'PROPOSED',
    "decided_by" TEXT,
    "reason" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recon_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "recon_runs_broker_id_started_at_idx" ON "recon_runs"("broker_id", "started_at");

-- CreateIndex
CREATE INDEX "recon_runs_started_at_idx" ON "recon_runs"("started_at");

-- CreateIndex
CREATE INDEX "recon_items_run_id_idx" ON "recon_items"("run_id");

-- CreateIndex
CREATE INDEX "recon_items_status_created_at_idx" ON "recon_items"("status", "created_at");

-- CreateIndex
CREATE INDEX "recon_items_broker_id_fingerprint_idx" ON "recon_items"("broker_id", "fingerprint");

-- AddForeignKey
ALTER TABLE "recon_items" ADD CONSTRAINT "recon_items_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "recon_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
