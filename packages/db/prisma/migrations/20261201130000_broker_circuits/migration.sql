-- Each broker's circuit as every process sees it: the state the gateways' shared breaker last moved to (mirrored on
-- each transition, so the web's entry circuit and the console read it without Redis), the operator's forced state
-- (which wins until released) and the operator's calls-per-second limit. Who forced what and why is in audit_log.
CREATE TABLE "broker_circuits" (
    "broker_id" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'closed',
    "state_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state_reason" TEXT,
    "forced_state" TEXT,
    "forced_by" TEXT,
    "forced_reason" TEXT,
    "forced_at" TIMESTAMPTZ(3),
    "tps_limit" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "broker_circuits_pkey" PRIMARY KEY ("broker_id"),
    CONSTRAINT "broker_circuits_state_check" CHECK ("state" IN ('closed', 'open', 'half-open')),
    CONSTRAINT "broker_circuits_forced_check" CHECK ("forced_state" IS NULL OR "forced_state" IN ('open', 'closed')),
    CONSTRAINT "broker_circuits_tps_check" CHECK ("tps_limit" IS NULL OR "tps_limit" >= 0)
);

-- Each gateway process's adaptive pool toward each broker, as it last reported it (about once a second while calls
-- run): the console sums the processes heard from recently.
CREATE TABLE "broker_pools" (
    "broker_id" TEXT NOT NULL,
    "process_id" TEXT NOT NULL,
    "pool_limit" INTEGER NOT NULL,
    "in_flight" INTEGER NOT NULL,
    "queued" INTEGER NOT NULL,
    "baseline_ms" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "broker_pools_pkey" PRIMARY KEY ("broker_id", "process_id")
);
