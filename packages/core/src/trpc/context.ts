import type { RequestInfo } from "../auth/loginAudit";
import type { CoreServices } from "../services";

export type { RequestInfo };

export type Role = "CUSTOMER" | "OPERATOR";

export interface SessionUser {
  userId: string;
  role: Role;
}

/** The web app implements this over its session cookie; core never sees cookies. */
export interface SessionStore {
  user: SessionUser | null;
  save(user: SessionUser): Promise<void>;
  destroy(): Promise<void>;
}

export interface TrpcContext {
  services: CoreServices;
  session: SessionStore;
  /** Absent for callers that are not HTTP requests (tests, scripts). */
  request?: RequestInfo | undefined;
}

export function createTrpcContext(options: {
  services: CoreServices;
  session: SessionStore;
  request?: RequestInfo | undefined;
}): TrpcContext {
  return { services: options.services, session: options.session, request: options.request };
}
