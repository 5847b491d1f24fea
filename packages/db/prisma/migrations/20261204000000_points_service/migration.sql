-- Fee points move to a service of their own (apps/points) with its own database; Try, Confirm and Cancel on them are
-- remote calls. The order database keeps the coordinator's side of that branch: one row per (TCC transaction, branch).
--
--   TRIED        the service reserved the points (its answer came) and the order is open
--   CONFIRMING   the order ended having spent `spent` points: Confirm(spent) is sent until the service acknowledges
--   CANCELLING   the order ended spending nothing, or never came to be: Cancel is sent until acknowledged
--   CONFIRMED / CANCELLED   acknowledged
--   REFUSED      the service definitely refused the Confirm or Cancel (it should never): operators look at it
--
-- A placement writes its row TRIED in the transaction that creates the order. A row the coordinator writes first
-- (CANCELLING: a Try that got no answer, or the service asking about a transaction we have no record of) makes that
-- insert fail, so a transaction presumed aborted can never commit afterwards.
--
-- Points balances leave this database with this migration: an installation with open orders paying in points settles
-- them before upgrading, and moves its balances to the points service as credits.
CREATE TABLE "tcc_branches" (
    "transaction_id" UUID NOT NULL,
    "branch_id" TEXT NOT NULL,
    "order_id" UUID,
    "account_no" TEXT NOT NULL,
    "points" DECIMAL(20,0) NOT NULL,
    "spent" DECIMAL(20,0) NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "settled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tcc_branches_pkey" PRIMARY KEY ("transaction_id", "branch_id"),
    CONSTRAINT "tcc_branches_state_check" CHECK ("state" IN ('TRIED', 'CONFIRMING', 'CANCELLING', 'CONFIRMED', 'CANCELLED', 'REFUSED')),
    CONSTRAINT "tcc_branches_points_check" CHECK ("points" >= 0 AND "spent" >= 0 AND "spent" <= "points")
);
CREATE INDEX "tcc_branches_state_next_attempt_at_idx" ON "tcc_branches"("state", "next_attempt_at");
CREATE INDEX "tcc_branches_order_id_idx" ON "tcc_branches"("order_id");

DELETE FROM "tcc_fences" WHERE "participant" = 'POINTS';
DROP TABLE "points_balances";
