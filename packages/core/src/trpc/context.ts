import type { CoreServices } from "../services";

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
}

export function createTrpcContext(options: { services: CoreServices; session: SessionStore }): TrpcContext {
  return { services: options.services, session: options.session };
}
