// Domain errors carry a category the edge maps to a transport code (tRPC, HTTP) and a message a person can act on.
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE";

/**
 * `instanceof` for an error class that may exist in more than one copy of its module (Next.js bundles a module once
 * per route, while the process's services are built once and shared): true for an instance of any copy, by a
 * `Symbol.for` mark each instance carries. Subclasses keep the ordinary prototype check.
 */
export function instanceOfAnyCopy(klass: unknown, base: unknown, mark: symbol, value: unknown): boolean {
  if (klass !== base) return Function.prototype[Symbol.hasInstance].call(klass, value);
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[mark] === true;
}

/** Marks a DomainError from any copy of this module (see `Symbol.hasInstance` below). */
const DOMAIN_ERROR = Symbol.for("meridian.DomainError");

export class DomainError extends Error {
  readonly [DOMAIN_ERROR] = true;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field the message is about, so a form can show it in place. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }

  /**
   * Next.js bundles this module more than once (server rendering and the API route each get a copy), while the
   * process's services are built once and shared: an error thrown by a service built in one copy must still be a
   * DomainError to the tRPC error formatter of the other, or the customer gets a 500 instead of its message.
   * Subclasses keep the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return instanceOfAnyCopy(this, DomainError, DOMAIN_ERROR, value);
  }
}

/** A compare-and-set on `version` missed: someone else changed the row first. The whole transaction is abandoned. */
export class ConcurrencyError extends Error {
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} ${key} was changed concurrently; nothing was written`);
    this.name = "ConcurrencyError";
  }
}

/** The account lock is held by others and did not free up within the wait budget. */
export class AccountBusyError extends DomainError {
  constructor() {
    super("TOO_MANY_REQUESTS", "This account is busy with another request. Try again in a moment.");
    this.name = "AccountBusyError";
  }
}

/**
 * The lock's lease was lost (expired, or taken over): the holder must not commit. `cause` is the renewal's failure when
 * the lock server stopped answering, which makes the abort a dependency failure (shared/dependencies.ts) to the edge.
 */
export class LockLostError extends Error {
  constructor(
    readonly accountId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Account lock on ${accountId} was lost: ${reason}`, options);
    this.name = "LockLostError";
  }
}

/**
 * A system we depend on did not answer before anything was written; the message tells the customer what to do, and the
 * edge answers it as SERVICE_UNAVAILABLE (HTTP 503, retryable). Deliberately not a DomainError: to a saga step, the
 * receiver or an operator's bulk action a DomainError is a definite "no" that is never retried, and an outage is not
 * one — they retry it like any other transient failure.
 */
export class ServiceUnavailableError extends Error {
  readonly code = "SERVICE_UNAVAILABLE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServiceUnavailableError";
  }
}
