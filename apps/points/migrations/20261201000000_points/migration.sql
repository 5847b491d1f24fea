-- The fee points service's own tables. Balances equal the sum of their entries; `held` equals the points of the
-- account's TRIED fences; a fence row is written in the same transaction as the balance change it guards.

CREATE TABLE points_accounts (
  account_no  TEXT PRIMARY KEY,
  available   NUMERIC(20, 0) NOT NULL DEFAULT 0 CHECK (available >= 0),
  held        NUMERIC(20, 0) NOT NULL DEFAULT 0 CHECK (held >= 0),
  version     INTEGER NOT NULL DEFAULT 0,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Append-only: + for a credit, − for what a Confirm spent.
CREATE TABLE points_entries (
  id              BIGSERIAL PRIMARY KEY,
  account_no      TEXT NOT NULL,
  amount          NUMERIC(20, 0) NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('CREDIT', 'SPEND')),
  transaction_id  UUID,
  branch_id       TEXT,
  credit_key      TEXT UNIQUE,
  reason          TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (kind <> 'CREDIT' OR (credit_key IS NOT NULL AND amount >= 0)),
  CHECK (kind <> 'SPEND' OR (transaction_id IS NOT NULL AND branch_id IS NOT NULL AND amount < 0))
);
CREATE INDEX points_entries_account_idx ON points_entries (account_no);
-- A branch spends at most once, whatever a bug upstream might do.
CREATE UNIQUE INDEX points_entries_spend_once ON points_entries (transaction_id, branch_id) WHERE kind = 'SPEND';

-- The fence (dtm's barrier, Seata's tcc_fence_log): one row per (transaction, branch), never deleted.
CREATE TABLE points_fences (
  transaction_id  UUID NOT NULL,
  branch_id       TEXT NOT NULL,
  account_no      TEXT,
  state           TEXT NOT NULL CHECK (state IN ('TRIED', 'CONFIRMED', 'CANCELLED')),
  points          NUMERIC(20, 0) NOT NULL CHECK (points >= 0),
  spent           NUMERIC(20, 0) NOT NULL DEFAULT 0 CHECK (spent >= 0 AND spent <= points),
  settled_by      TEXT CHECK (settled_by IN ('coordinator', 'sweep')),
  last_asked_at   TIMESTAMPTZ,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (transaction_id, branch_id)
);
-- The sweep's scan (TRIED and old) and the report's (updated since).
CREATE INDEX points_fences_state_updated_idx ON points_fences (state, updated_at);
CREATE INDEX points_fences_updated_idx ON points_fences (updated_at);
