// One answer to "did this fail because a system we depend on (the database, Redis, Kafka, a partner's HTTP endpoint)
// is not answering?" A customer who hits such a failure is told the service is briefly unavailable and may try again
// (HTTP 503), never "something went wrong" (500). The test is deliberately narrow: a constraint violation, a CAS miss,
// a lost lease or a bug is an answer about the request, not about the dependency, and keeps its own meaning.

/** Node socket errors: the peer refused, reset, never answered, or cannot be found right now. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Prisma's codes for "the database server is not there": P1001 can't reach, P1002 timed out, P1008 operation timed out,
 * P1017 server closed the connection, P2024 timed out waiting for a connection from the pool.
 */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

/** Driver adapter error kinds (what @prisma/adapter-pg maps socket and server errors to) that mean the same. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01 admin shutdown (pg_terminate_backend, a restart),
 * 57P02 crash shutdown, 57P03 cannot connect now (starting up), 53300 too many connections.
 */
const isUnavailableSqlState = (code: string) => code.startsWith("08") || /^57P0[123]$/.test(code) || code === "53300";

/** node-postgres' own messages for a connection that died or could not be had in time. */
const PG_MESSAGES = [
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
];

/** ioredis: retries used up while disconnected, a connection closed under a command, a command timeout. */
const REDIS_MESSAGES = [
  "Connection is closed.",
  "Command timed out",
  "Stream isn't writeable and enableOfflineQueue options is false",
];

/** Redis replies that mean "this server cannot serve you right now" (loading after restart, a failover under way). */
const REDIS_REPLY_PREFIXES = ["LOADING ", "MASTERDOWN ", "CLUSTERDOWN ", "TRYAGAIN ", "READONLY "];

/** kafkajs: the cluster or a broker could not be reached or did not answer. */
const KAFKA_NAMES = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
]);

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  errorCode?: unknown;
  severity?: unknown;
  meta?: { driverAdapterError?: unknown };
  cause?: unknown;
  errors?: unknown;
};

const DOMAIN_ERROR = Symbol.for("meridian.DomainError");

/** What the edge tells a customer when a dependency failed and nothing more specific was said. */
export const DEPENDENCY_UNAVAILABLE_MESSAGE =
  "Meridian is briefly unavailable: a system we depend on is not answering. Try again in a few seconds.";

/**
 * True when `error`, or an error it was caused by, says a dependency is unreachable or not answering. A DomainError
 * anywhere on the way is an answer already given (it keeps its own code), so it is never reclassified.
 */
export function isDependencyFailure(error: unknown): boolean {
  for (const candidate of chainOf(error)) {
    if ((candidate as { [DOMAIN_ERROR]?: boolean })[DOMAIN_ERROR] === true) return false;
    if (says(candidate)) return true;
  }
  return false;
}

/** The message for the customer: the one a ServiceUnavailableError on the chain chose, or the general one. */
export function unavailableMessageOf(error: unknown): string {
  for (const candidate of chainOf(error))
    if (candidate.name === "ServiceUnavailableError" && typeof candidate.message === "string") return candidate.message;
  return DEPENDENCY_UNAVAILABLE_MESSAGE;
}

/** The error and what caused it, breadth first: `cause`, a Prisma error's driver adapter error, AggregateError's. */
function* chainOf(error: unknown): Generator<ErrorLike> {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 16) {
    const current = pending.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const candidate = current as ErrorLike;
    yield candidate;
    pending.push(candidate.cause, candidate.meta?.driverAdapterError);
    if (Array.isArray(candidate.errors)) pending.push(...(candidate.errors as unknown[]));
  }
}

/** This one error, without its causes. */
function says(error: ErrorLike): boolean {
  const name = typeof error.name === "string" ? error.name : "";
  const message = typeof error.message === "string" ? error.message : "";
  const code = typeof error.code === "string" ? error.code : "";
  if (name.startsWith("PrismaClient")) {
    // Known request errors carry `code`, initialization errors `errorCode`; anything else (P2002 unique, P2025 not
    // found, P2034 write conflict) is about the data. A P2010 raw-query failure is judged by its adapter error.
    return PRISMA_CODES.has(code) || (typeof error.errorCode === "string" && PRISMA_CODES.has(error.errorCode));
  }
  if (name === "DriverAdapterError") return false; // its `cause` is the mapped error, judged next
  if (typeof (error as { kind?: unknown }).kind === "string")
    return adapterKindSays(error as { kind: string; code?: unknown });
  if (name === "ServiceUnavailableError" || name === "MaxRetriesPerRequestError") return true;
  if (name === "ReplyError") return REDIS_REPLY_PREFIXES.some((prefix) => message.startsWith(prefix));
  if (KAFKA_NAMES.has(name)) return true;
  if (SOCKET_CODES.has(code)) return true;
  // A PostgreSQL error straight from node-postgres: it has a SQLSTATE and a severity.
  if (typeof error.severity === "string" && /^[0-9A-Z]{5}$/.test(code)) return isUnavailableSqlState(code);
  return REDIS_MESSAGES.includes(message) || PG_MESSAGES.includes(message);
}

function adapterKindSays(mapped: { kind: string; code?: unknown }): boolean {
  if (ADAPTER_KINDS.has(mapped.kind)) return true;
  return mapped.kind === "postgres" && typeof mapped.code === "string" && isUnavailableSqlState(mapped.code);
}
