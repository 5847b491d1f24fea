import type { RequestInfo } from "../auth/loginAudit";
import type { SessionCookie } from "../auth/sessionCookie";
import { resolveSession, type SessionEnd } from "../auth/sessions";
import type { CoreServices } from "../services";

export type { RequestInfo, SessionCookie, SessionEnd };

export type Role = "CUSTOMER" | "OPERATOR";

export interface SessionUser {
  userId: string;
  role: Role;
}

/** Who is calling, as their session stood when the request began. */
export interface CallerSession {
  user: SessionUser | null;
  /** The session record's id (never the cookie's secret); absent for contexts built without a record (scripts). */
  id?: string | undefined;
  /** When the caller last confirmed their password in this session (step-up), if ever. */
  steppedUpAt?: Date | null | undefined;
  /** Why the cookie presented names no live session, when it names an ended one. */
  ended?: SessionEnd | undefined;
}

export interface TrpcContext {
  services: CoreServices;
  session: CallerSession;
  /** The session cookie, for the procedures that start and end sessions; absent for callers that are not browsers. */
  cookie?: SessionCookie | undefined;
  /** Absent for callers that are not HTTP requests (tests, scripts). */
  request?: RequestInfo | undefined;
}

export function createTrpcContext(options: {
  services: CoreServices;
  session: CallerSession;
  cookie?: SessionCookie | undefined;
  request?: RequestInfo | undefined;
}): TrpcContext {
  return { services: options.services, session: options.session, cookie: options.cookie, request: options.request };
}

/**
 * The session the cookie names, looked up in the database (and touched, unless `touch` is false: a request that does not
 * show the person at work, such as a screen polling on its own): signed out when there is none or it ended.
 */
export async function resolveCallerSession(
  services: CoreServices,
  cookie: SessionCookie,
  options: { touch?: boolean } = {},
): Promise<CallerSession> {
  const token = cookie.read();
  if (!token) return { user: null };
  const resolved = await resolveSession(services.prisma, token, services.config.auth.sessions, options);
  if (!resolved) return { user: null };
  if ("ended" in resolved) return { user: null, ended: resolved.ended };
  const { live } = resolved;
  return { user: { userId: live.userId, role: live.role }, id: live.id, steppedUpAt: live.steppedUpAt };
}

/** A request's context: its session resolved from its cookie, once, before any procedure runs. */
export async function createRequestContext(options: {
  services: CoreServices;
  cookie: SessionCookie;
  request?: RequestInfo | undefined;
  /** Whether the request counts as the person's activity for the idle timeout (trpc/activity.ts); default true. */
  touch?: boolean;
}): Promise<TrpcContext> {
  const session = await resolveCallerSession(options.services, options.cookie, { touch: options.touch });
  return createTrpcContext({ services: options.services, cookie: options.cookie, request: options.request, session });
}
