// The session cookie as core sees it, a port the web app implements: core decides when a session starts and ends, the
// web alone knows cookies and their attributes (Secure, SameSite, sealing).
import type { SessionRole } from "./sessions";

export interface SessionCookie {
  /** The session id the browser presented (or the one just set), null when none. */
  read(): string | null;
  /** Hands the browser `token`, the id of a new session of `role` that ends at `expiresAt` at the latest. */
  set(token: string, session: { role: SessionRole; expiresAt: Date }): Promise<void>;
  /** Takes the id away from the browser. */
  clear(): Promise<void>;
}

/** A cookie jar of one, in memory: for callers that are not browsers (tests, scripts). */
export function memorySessionCookie(token: string | null = null): SessionCookie {
  let current = token;
  return {
    read: () => current,
    async set(next) {
      current = next;
    },
    async clear() {
      current = null;
    },
  };
}
