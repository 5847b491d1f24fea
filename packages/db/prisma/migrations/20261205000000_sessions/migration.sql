-- Server-side sessions (docs/security.md). The cookie carries a random 256-bit id; token_hash is its SHA-256 (hex), so
-- a reader of this table cannot replay a session. A session ends when it is revoked (revoked_at, by whom and why), when
-- it has not been used for the idle time of its role (last_seen_at, touched at most once a minute) or at expires_at.
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,
    "stepped_up_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,
    "revoked_reason" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    -- A revocation always says who and why.
    CONSTRAINT "sessions_revoked_check" CHECK (("revoked_at" IS NULL) = ("revoked_by" IS NULL) AND ("revoked_at" IS NULL) = ("revoked_reason" IS NULL))
);

-- Resolving a cookie: one lookup by the hash of its id.
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- A user's sessions, newest first (the console's Sessions table, "sign out everywhere").
CREATE INDEX "sessions_user_id_created_at_idx" ON "sessions"("user_id", "created_at");
