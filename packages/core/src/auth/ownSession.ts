// A person's own sessions: one starts at each sign-in (with a fresh id), ends at sign-out, and all of them end at
// "sign out everywhere", the one in this browser included.
import { recordAudit } from "../audit/audit";
import type { CoreServices } from "../services";
import type { RequestInfo } from "./loginAudit";
import type { SessionCookie } from "./sessionCookie";
import { actorOf, createSession, revokeAllSessions, revokeSessionByToken, type SessionRole } from "./sessions";

interface SessionRequest {
  services: CoreServices;
  cookie?: SessionCookie | undefined;
  request?: RequestInfo | undefined;
}

type Person = { userId: string; role: SessionRole };

function cookieOf(ctx: SessionRequest): SessionCookie {
  // A context built without a cookie (a script, a test) has nowhere to keep a session: a wiring mistake, not the user's.
  if (!ctx.cookie) throw new Error("This caller has no session cookie: build its context with one to sign in or out.");
  return ctx.cookie;
}

/** After a correct password: a new session, its id handed to the browser; the browser's previous one is revoked. */
export async function startSession({ ctx, user }: { ctx: SessionRequest; user: Person }): Promise<void> {
  const cookie = cookieOf(ctx);
  const { token, session } = await createSession(ctx.services.prisma, {
    user,
    settings: ctx.services.config.auth.sessions,
    request: ctx.request,
    replacing: cookie.read(),
  });
  await cookie.set(token, { role: session.role, expiresAt: session.expiresAt });
}

/** Sign-out: the session's record is revoked, so a copy of the cookie kept elsewhere is refused from now on. */
export async function endSession({ ctx, user }: { ctx: SessionRequest; user: Person }): Promise<void> {
  const cookie = cookieOf(ctx);
  const token = cookie.read();
  if (token) await revokeSessionByToken(ctx.services.prisma, token, { by: actorOf(user), reason: "Signed out." });
  await cookie.clear();
}

/** Every session of the caller ends, on every device, this one included; audited. Answers how many ended. */
export async function signOutEverywhere({ ctx, user }: { ctx: SessionRequest; user: Person }) {
  const cookie = cookieOf(ctx);
  const actor = actorOf(user);
  const ended = await ctx.services.prisma.$transaction(async (tx) => {
    const count = await revokeAllSessions(tx, { userId: user.userId, by: actor, reason: "Signed out everywhere." });
    await recordAudit(tx, {
      actor,
      action: "auth.sessions.revoke-all",
      targetType: "user",
      targetId: user.userId,
      reason: "Signed out everywhere.",
      detail: { sessions: count, ip: ctx.request?.ip ?? null, userAgent: ctx.request?.userAgent ?? null },
    });
    return count;
  });
  await cookie.clear();
  return { ended };
}
