// Domain errors carry a category the edge maps to a transport code (tRPC, HTTP) and a message a person can act on.
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field the message is about, so a form can show it in place. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
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

/** The lock's lease was lost (expired, or taken over): the holder must not commit. */
export class LockLostError extends Error {
  constructor(
    readonly accountId: string,
    reason: string,
  ) {
    super(`Account lock on ${accountId} was lost: ${reason}`);
    this.name = "LockLostError";
  }
}
