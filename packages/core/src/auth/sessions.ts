// Server-side sessions, as OWASP's Session Management Cheat Sheet describes them: the browser holds a random id of 256
// bits and nothing else; the record (who, since when, last seen, from where, revoked by whom and why) stays here, so a
// session can be ended from the server, and only the id's SHA-256 is stored, so that reading the table is not enough
// to act as anyone. A session ends when revoked, after its role's idle time without a request, or at its absolute
// expiry, whichever comes first.
import { createHash, randomBytes } from "node:crypto";
import type { Db, DbOrTx } from "@meridian/db";
import type { RequestInfo } from "./loginAudit";

export type SessionRole = "CUSTOMER" | "OPERATOR";

/** The `auth.sessions` block of the configuration (SESSION_* settings). */
export interface SessionSettings {
  idleMs: Record<SessionRole, number>;
  absoluteMs: number;
  stepUpMs: number;
}

/**
 * last_seen_at is written at most this often, so a busy session does not write on every request. Idle time is
 * measured from it, so a session may end up to this much before its idle time is fully up, never after.
 */
export const TOUCH_EVERY_MS = 60_000;

/** Why a cookie no longer names a live session. */
export type SessionEnd = "revoked" | "idle" | "expired";

export interface LiveSession {
  id: string;
  userId: string;
  role: SessionRole;
  expiresAt: Date;
  steppedUpAt: Date | null;
}

export type ResolvedSession = { live: LiveSession } | { ended: SessionEnd };

/** The id the cookie carries: 32 random bytes (256 bits), base64url. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps of a cookie's id. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** How the audit log and the sessions table name who acted: `customer:<id>`, `operator:<id>`. */
export function actorOf(user: { userId: string; role: SessionRole }): string {
  return `${user.role.toLowerCase()}:${user.userId}`;
}

/**
 * A new session for `user`. The record of the cookie the browser presented, if any, is revoked in the same transaction
 * (whoever it belonged to): a sign-in always gets a fresh id, so an id planted in the browser before sign-in (session
 * fixation) is worth nothing after it.
 */
export async function createSession(
  db: Db,
  options: {
    user: { userId: string; role: SessionRole };
    settings: Pick<SessionSettings, "absoluteMs">;
    request?: RequestInfo | undefined;
    /** The id the browser presented before this sign-in, if any. */
    replacing?: string | null | undefined;
    /** Starts with the password confirmed (tests, tools). Sign-in does not: the first action that needs it asks. */
    steppedUp?: boolean;
    now?: Date;
  },
): Promise<{ token: string; session: LiveSession }> {
  const now = options.now ?? new Date();
  const token = newSessionToken();
  const { user } = options;
  const row = await db.$transaction(async (tx) => {
    if (options.replacing)
      await revokeSessionByToken(tx, options.replacing, {
        by: actorOf(user),
        reason: "Replaced by a new sign-in in this browser.",
        now,
      });
    return tx.session.create({
      data: {
        tokenHash: hashSessionToken(token),
        userId: user.userId,
        role: user.role,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + options.settings.absoluteMs),
        ip: options.request?.ip ?? null,
        userAgent: options.request?.userAgent ?? null,
        steppedUpAt: options.steppedUp ? now : null,
      },
    });
  });
  return { token, session: liveOf(row) };
}

function liveOf(row: LiveSession): LiveSession {
  return { id: row.id, userId: row.userId, role: row.role, expiresAt: row.expiresAt, steppedUpAt: row.steppedUpAt };
}

/** What decides whether a session is live. */
interface Liveness {
  role: SessionRole;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** Why a session is no longer live at `now`, or null while it is. */
function endOf(session: Liveness, settings: SessionSettings, now: Date): SessionEnd | null {
  if (session.revokedAt) return "revoked";
  if (now.getTime() >= session.expiresAt.getTime()) return "expired";
  if (now.getTime() - session.lastSeenAt.getTime() >= settings.idleMs[session.role]) return "idle";
  return null;
}

/**
 * The live session a cookie's id names, touched (last seen now) when its last touch is a minute old and the request
 * shows the person at work (`touch`, default true); `ended` when the record exists but no longer counts; null when
 * there is no such record. A session whose user's role has changed since sign-in is revoked here: the role a session
 * acts with is always the one it was started with.
 */
export async function resolveSession(
  db: DbOrTx,
  token: string,
  settings: SessionSettings,
  options: { now?: Date; touch?: boolean } = {},
): Promise<ResolvedSession | null> {
  const now = options.now ?? new Date();
  // One round trip: the session and its user's role today.
  const [row] = await db.$queryRaw<
    (Liveness & { id: string; userId: string; userRole: SessionRole; steppedUpAt: Date | null })[]
  >`
    SELECT s.id, s.user_id AS "userId", s.role::text AS role, u.role::text AS "userRole",
           s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt", s.stepped_up_at AS "steppedUpAt",
           s.revoked_at AS "revokedAt"
      FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ${hashSessionToken(token)}`;
  if (!row) return null;
  const ended = endOf(row, settings, now);
  if (ended) return { ended };
  if (row.userRole !== row.role) {
    await revokeSession(db, { sessionId: row.id, by: "system", reason: "The user's role changed.", now });
    return { ended: "revoked" };
  }
  if (options.touch !== false && now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    // Conditional: of several requests arriving together, one writes; a revocation that landed meanwhile stays.
    await db.session.updateMany({
      where: { id: row.id, revokedAt: null, lastSeenAt: { lte: new Date(now.getTime() - TOUCH_EVERY_MS) } },
      data: { lastSeenAt: now },
    });
  }
  return { live: liveOf(row) };
}

/** Whether session `id` is still live, without touching it (for streams that outlive their request). */
export async function isSessionLive(db: DbOrTx, id: string, settings: SessionSettings, now = new Date()) {
  const row = await db.session.findUnique({
    where: { id },
    select: { role: true, lastSeenAt: true, expiresAt: true, revokedAt: true },
  });
  return row !== null && endOf(row, settings, now) === null;
}

export interface Revocation {
  /** Who ended it, as the audit log names actors (`customer:<id>`, `operator:<id>`), or `system`. */
  by: string;
  reason: string;
  now?: Date;
}

/** Revokes the not yet revoked sessions `where` names; answers how many. */
async function revokeWhere(
  db: DbOrTx,
  where: { id: string } | { tokenHash: string } | { userId: string },
  revocation: Revocation,
): Promise<number> {
  const revoked = await db.session.updateMany({
    where: { ...where, revokedAt: null },
    data: { revokedAt: revocation.now ?? new Date(), revokedBy: revocation.by, revokedReason: revocation.reason },
  });
  return revoked.count;
}

/** Revokes one session; false when it was already revoked (or never existed). */
export async function revokeSession(db: DbOrTx, revocation: Revocation & { sessionId: string }): Promise<boolean> {
  return (await revokeWhere(db, { id: revocation.sessionId }, revocation)) > 0;
}

/** Revokes the session a cookie's id names (sign-out); false when there was none to revoke. */
export async function revokeSessionByToken(db: DbOrTx, token: string, revocation: Revocation): Promise<boolean> {
  return (await revokeWhere(db, { tokenHash: hashSessionToken(token) }, revocation)) > 0;
}

/** Revokes every session of `userId` not yet revoked, the caller's own included; answers how many. */
export function revokeAllSessions(db: DbOrTx, revocation: Revocation & { userId: string }): Promise<number> {
  return revokeWhere(db, { userId: revocation.userId }, revocation);
}

/** Records that session `id` confirmed its password now; false when it is no longer there to record it on. */
export async function recordStepUp(db: DbOrTx, id: string, now = new Date()): Promise<boolean> {
  const recorded = await db.session.updateMany({ where: { id, revokedAt: null }, data: { steppedUpAt: now } });
  return recorded.count > 0;
}

export type SessionState = "active" | SessionEnd;

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  state: SessionState;
  revokedAt: string | null;
  revokedBy: string | null;
  revokedReason: string | null;
}

/** A user's sessions, newest first, each with the state it is in at `now`. */
export async function listSessions(
  db: DbOrTx,
  userId: string,
  settings: SessionSettings,
  options: { limit?: number; now?: Date } = {},
): Promise<SessionView[]> {
  const now = options.now ?? new Date();
  const rows = await db.session.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take: options.limit ?? 50,
  });
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    ip: row.ip,
    userAgent: row.userAgent,
    state: endOf(row, settings, now) ?? "active",
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedBy: row.revokedBy,
    revokedReason: row.revokedReason,
  }));
}
