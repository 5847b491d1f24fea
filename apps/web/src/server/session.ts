import "server-only";
import { randomBytes } from "node:crypto";
import { getIronSession, type SessionOptions } from "iron-session";
import { cookies } from "next/headers";
import { getConfig } from "@meridian/core/config";
import type { SessionStore } from "@meridian/core/trpc";

export type SessionUser = NonNullable<SessionStore["user"]>;
type SessionData = { user?: SessionUser };

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

function sessionOptions(): SessionOptions {
  return {
    cookieName: SESSION_COOKIE,
    password: sessionPassword(),
    ttl: 60 * 60 * 12,
    cookieOptions: {
      httpOnly: true,
      sameSite: "lax",
      // Off by default so the demo works over plain http on 127.0.0.1; turn on behind TLS.
      secure: getConfig().web.sessionCookieSecure,
      path: "/",
    },
  };
}

async function ironSession() {
  return getIronSession<SessionData>(await cookies(), sessionOptions());
}

/** Who is signed in, for server components deciding whether to render, redirect or deny. */
export async function getSession(): Promise<SessionUser | null> {
  const session = await ironSession();
  return session.user ?? null;
}

/**
 * The SessionStore core's tRPC context expects, backed by the iron-session cookie.
 * `writable: false` is for server components, where Next forbids setting cookies: reading works, writing throws.
 */
export async function createSessionStore({ writable }: { writable: boolean }): Promise<SessionStore> {
  const session = await ironSession();
  const store: SessionStore = {
    user: session.user ?? null,
    async save(user) {
      if (!writable) throw new Error("The session can only change in the /api/trpc route, not while rendering a page.");
      session.user = user;
      await session.save();
      store.user = user;
    },
    async destroy() {
      if (!writable) throw new Error("The session can only change in the /api/trpc route, not while rendering a page.");
      session.destroy();
      store.user = null;
    },
  };
  return store;
}
