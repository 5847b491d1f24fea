// Every sign-in attempt in the audit log, so operators can see guessing in progress ("Recent sign-in failures").
import type { DbOrTx } from "@meridian/db";
import { recordAudit } from "../audit";

export const LOGIN_ACTIONS = {
  succeeded: "auth.login.succeeded",
  failed: "auth.login.failed",
  locked: "auth.login.locked",
} as const;
export type LoginOutcome = keyof typeof LOGIN_ACTIONS;

/** An operator confirming their password in a session (auth/stepUp.ts): guessing there shows beside sign-in failures. */
export const STEP_UP_ACTIONS = {
  succeeded: "auth.step-up.succeeded",
  failed: "auth.step-up.failed",
  locked: "auth.step-up.locked",
} as const;

/** Who is calling, as the web edge saw it: for throttling by address and for the audit log. */
export interface RequestInfo {
  /** The client's address (docs/security.md says which proxy headers are trusted); null when unknown. */
  ip: string | null;
  userAgent: string | null;
}

export async function auditLogin(
  db: DbOrTx,
  entry: { outcome: LoginOutcome; email: string; userId: string | null; reason: string; request: RequestInfo },
): Promise<void> {
  await recordAudit(db, {
    // Only a correct password proves who is acting; a failed attempt is anyone's, whatever email it names.
    actor: entry.userId ?? "anonymous",
    action: LOGIN_ACTIONS[entry.outcome],
    targetType: "login",
    targetId: entry.email,
    reason: entry.reason,
    detail: { ip: entry.request.ip, userAgent: entry.request.userAgent },
  });
}

const FAILED = new Set<string>([LOGIN_ACTIONS.failed, STEP_UP_ACTIONS.failed]);
const LOCKED = new Set<string>([LOGIN_ACTIONS.locked, STEP_UP_ACTIONS.locked]);

/**
 * The operator console's "Recent sign-in failures": failed and locked-out attempts, newest first, password
 * confirmations (step-up) included.
 */
export async function listLoginFailures(db: DbOrTx, options: { limit?: number } = {}) {
  const rows = await db.auditLog.findMany({
    where: { action: { in: [...FAILED, ...LOCKED] } },
    orderBy: { id: "desc" },
    take: options.limit ?? 50,
  });
  return rows.map((row) => {
    const detail = (row.detail ?? {}) as Partial<RequestInfo>;
    return {
      id: row.id.toString(),
      at: row.createdAt.toISOString(),
      email: row.targetId,
      outcome: LOCKED.has(row.action) ? ("locked" as const) : ("failed" as const),
      reason: row.reason,
      ip: detail.ip ?? null,
      userAgent: detail.userAgent ?? null,
    };
  });
}
