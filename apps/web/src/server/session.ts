// The session cookie: a thin adapter over core's sessions (packages/core/src/auth/sessions.ts), which decide when a
// session starts, is live and ends. The cookie carries only the session's random id, sealed with SESSION_SECRET by
// iron-session: a cookie we did not issue is refused before any database read, and changing SESSION_SECRET ends every
// session at once. HttpOnly always; Secure whenever the request came over https (or SESSION_COOKIE_SECURE=true);
// SameSite=Strict for operators, Lax for customers (docs/security.md says why).
import "server-only";
import { randomBytes } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { getConfig } from "@meridian/core/config";
import { isHttps } from "@/lib/https";
import {
  getCoreServices,
  resolveCallerSession,
  type CallerSession,
  type SessionCookie,
  type SessionUser,
} from "@meridian/core/trpc";

export type { SessionUser };

export const SESSION_COOKIE = "meridian_session";

// Kept on globalThis: Next bundles route handlers and pages separately, and every bundle must seal and unseal
// with the same development secret or a login in one would look signed out in the other.
const globalForSession = globalThis as unknown as { meridianDevSessionSecret?: string };

function sessionPassword(): string {
  // SESSION_SECRET is checked (≥ 32 characters) with the rest of the configuration when the server starts.
  const configured = getConfig().web.sessionSecret;
  if (configured) return configured;
  // NODE_ENV is Next's own (`next start` sets production), not one of Meridian's settings.
  if (process.env.NODE_ENV === "production") {
    throw new Error(
      "SESSION_SECRET is not set. Set it to 32+ random characters (`openssl rand -base64 48`) before `next start`.",
    );
  }
  if (!globalForSession.meridianDevSessionSecret) {
    globalForSession.meridianDevSessionSecret = randomBytes(32).toString("base64url");
    console.warn(
      "[meridian/web] SESSION_SECRET is not set: using a random secret for this process. Sessions end when it restarts.",
    );
  }
  return globalForSession.meridianDevSessionSecret;
}

/** The seal's own lifetime: never longer than a session may live (SESSION_ABSOLUTE_MS). */
const sealTtlSeconds = () => Math.ceil(getConfig().auth.sessions.absoluteMs / 1000);

const NOT_WRITABLE = "The session can only change in the /api/trpc route, not while rendering a page.";

/**
 * The SessionCookie port core's tRPC context expects. `writable: false` is for server components, where Next forbids
 * setting cookies: reading works, writing throws. `https` says whether the request came over TLS.
 */
export async function sessionCookie({
  writable,
  https,
}: {
  writable: boolean;
  https: boolean;
}): Promise<SessionCookie> {
  const jar = await cookies();
  const sealed = jar.get(SESSION_COOKIE)?.value;
  // A cookie that is not one of our seals (tampered, garbage, from before sessions were kept) is no session.
  const unsealed: { sid?: unknown } = sealed
    ? await unsealData<{ sid?: unknown }>(sealed, { password: sessionPassword(), ttl: sealTtlSeconds() }).catch(
        () => ({}),
      )
    : {};
  let token = typeof unsealed.sid === "string" ? unsealed.sid : null;
  const attributes = (role: SessionUser["role"] | null) => ({
    httpOnly: true,
    secure: https || getConfig().web.sessionCookieSecure,
    // An operator's session never rides along on a request another site starts, not even a link followed from it.
    sameSite: role === "OPERATOR" ? ("strict" as const) : ("lax" as const),
    path: "/",
  });
  return {
    read: () => token,
    async set(next, session) {
      if (!writable) throw new Error(NOT_WRITABLE);
      const value = await sealData({ sid: next }, { password: sessionPassword(), ttl: sealTtlSeconds() });
      jar.set(SESSION_COOKIE, value, { ...attributes(session.role), expires: session.expiresAt });
      token = next;
    },
    async clear() {
      if (!writable) throw new Error(NOT_WRITABLE);
      jar.set(SESSION_COOKIE, "", { ...attributes(null), maxAge: 0 });
      token = null;
    },
  };
}

/**
 * Who is calling, for server components deciding whether to render, redirect or deny: resolved once per request (the
 * page's guard and its tRPC prefetches share it).
 */
export const currentSession = cache(async (): Promise<CallerSession> => {
  const cookie = await sessionCookie({ writable: false, https: isHttps(await headers()) });
  return resolveCallerSession(getCoreServices(), cookie);
});

export async function getSession(): Promise<SessionUser | null> {
  return (await currentSession()).user;
}
