// Which failures mean "a system we depend on is not answering" (a retryable 503 for the customer) and which are answers
// about the request or bugs (they keep their meaning). The outages are real where a test can cause one cheaply: clients
// pointed at a port nothing listens on, a session ended by pg_terminate_backend.
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { TRPCError } from "@trpc/server";
import { Redis, ReplyError } from "ioredis";
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from "kafkajs";
import { z } from "zod";
import { createPrismaClient, Prisma } from "@meridian/db";
import { freePort } from "@meridian/db/testing";
import { DEPENDENCY_UNAVAILABLE_MESSAGE, isDependencyFailure, unavailableMessageOf } from "./dependencies";
import { AccountBusyError, ConcurrencyError, DomainError, LockLostError, ServiceUnavailableError } from "./errors";

const rejectionOf = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );

const prismaError = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError("failed", { code, clientVersion: "7", meta });
const adapterFailure = (cause: Record<string, unknown>) =>
  prismaError("P2010", { driverAdapterError: { name: "DriverAdapterError", cause } });

describe("real outages", () => {
  const toClose: (() => Promise<unknown>)[] = [];
  afterAll(async () => Promise.all(toClose.map((close) => close())));

  it("Redis not listening: ioredis gives up with MaxRetriesPerRequestError", async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1 });
    redis.on("error", () => undefined);
    toClose.push(async () => redis.disconnect());
    const error = await rejectionOf(redis.get("anything"));
    expect((error as Error).name).toBe("MaxRetriesPerRequestError");
    expect(isDependencyFailure(error)).toBe(true);
  });

  it("the database not listening: Prisma's P1001 for a model query, a P2010 adapter error for a raw one", async () => {
    const prisma = createPrismaClient(`postgresql://postgres@127.0.0.1:${await freePort()}/nowhere`);
    toClose.push(() => prisma.$disconnect());
    const modelQuery = await rejectionOf(prisma.account.findFirst());
    expect((modelQuery as { code: string }).code).toBe("P1001");
    expect(isDependencyFailure(modelQuery)).toBe(true);
    const rawQuery = await rejectionOf(prisma.$queryRaw`SELECT 1`);
    expect((rawQuery as { code: string }).code).toBe("P2010");
    expect(isDependencyFailure(rawQuery)).toBe(true);
    const inTransaction = await rejectionOf(prisma.$transaction((tx) => tx.account.count()));
    expect(isDependencyFailure(inTransaction)).toBe(true);
  });

  it("node-postgres refused (ECONNREFUSED); a session ended by pg_terminate_backend (57P01)", async () => {
    const refused = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/x` });
    const refusal = await rejectionOf(refused.connect());
    expect(isDependencyFailure(refusal)).toBe(true);

    const url = process.env.DATABASE_URL;
    if (!url) return; // the embedded database serves one backend; the terminate case needs a real server
    const victim = new pg.Client({ connectionString: url });
    const admin = new pg.Client({ connectionString: url });
    victim.on("error", () => undefined);
    await Promise.all([victim.connect(), admin.connect()]);
    toClose.push(
      () => admin.end(),
      () => victim.end().catch(() => undefined),
    );
    const { rows } = await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const [terminated] = await Promise.all([
      rejectionOf(victim.query("SELECT pg_sleep(5)")),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() =>
        admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]),
      ),
    ]);
    expect((terminated as { code?: string }).code).toBe("57P01");
    expect(isDependencyFailure(terminated)).toBe(true);
    const afterwards = await rejectionOf(victim.query("SELECT 1")); // the dead client, used again
    expect(isDependencyFailure(afterwards)).toBe(true);
  });
});

describe("dependency failures", () => {
  it.each([
    ["Prisma P1001 can't reach", prismaError("P1001")],
    ["Prisma P1002 timed out", prismaError("P1002")],
    ["Prisma P1008 operation timed out", prismaError("P1008")],
    ["Prisma P1017 server closed the connection", prismaError("P1017")],
    ["Prisma P2024 no connection from the pool in time", prismaError("P2024")],
    [
      "Prisma initialization error P1001",
      new Prisma.PrismaClientInitializationError("Can't reach database server", "7", "P1001"),
    ],
    ["adapter: connection closed", adapterFailure({ kind: "ConnectionClosed" })],
    ["adapter: socket timeout", adapterFailure({ kind: "SocketTimeout" })],
    ["adapter: too many connections", adapterFailure({ kind: "TooManyConnections", cause: "53300" })],
    ["adapter: admin shutdown 57P01", adapterFailure({ kind: "postgres", code: "57P01", severity: "FATAL" })],
    ["adapter: cannot connect now 57P03", adapterFailure({ kind: "postgres", code: "57P03", severity: "FATAL" })],
    ["adapter: connection exception 08006", adapterFailure({ kind: "postgres", code: "08006", severity: "FATAL" })],
    ["pg: connection terminated", new Error("Connection terminated unexpectedly")],
    ["pg-pool: no connection in time", new Error("timeout exceeded when trying to connect")],
    ["ioredis: connection closed under a command", new Error("Connection is closed.")],
    ["ioredis: command timeout", new Error("Command timed out")],
    ["Redis loading after a restart", new ReplyError("LOADING Redis is loading the dataset in memory")],
    ["Redis: a replica after failover", new ReplyError("READONLY You can't write against a read only replica.")],
    ["socket reset", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" })],
    [
      "fetch to a partner that refuses",
      new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }),
    ],
    [
      "happy-eyeballs: every address refused",
      new AggregateError([Object.assign(new Error("connect"), { code: "ECONNREFUSED" })], "connect failed"),
    ],
    ["Kafka unreachable", new KafkaJSConnectionError("Connection error: connect ECONNREFUSED")],
    [
      "Kafka retries used up on a connection error",
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError("Connection timeout"), {
        retryCount: 5,
        retryTime: 1000,
      }),
    ],
    ["the lock server did not answer", new ServiceUnavailableError("Trading is briefly unavailable")],
    [
      "a lease lost because its renewal could not reach Redis",
      new LockLostError("acc", "the lock server did not answer the renewal", {
        cause: new Error("Connection is closed."),
      }),
    ],
    ["wrapped by tRPC", new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: prismaError("P1001") })],
  ])("%s", (_name, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });
});

describe("answers about the request, and bugs: not dependency failures", () => {
  it.each([
    ["a CAS miss", new ConcurrencyError("cash_balances", "acc/USD")],
    ["a lease taken over", new LockLostError("acc", "lease taken over")],
    ["a lease that expired while its holder was paused", new LockLostError("acc", "lease expired")],
    ["account busy", new AccountBusyError()],
    ["a domain refusal", new DomainError("BAD_REQUEST", "Not enough buying power")],
    [
      "a domain SERVICE_UNAVAILABLE keeps its own meaning, whatever its cause",
      Object.assign(new DomainError("SERVICE_UNAVAILABLE", "No live quote for AAPL"), {
        cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
      }),
    ],
    ["Prisma P2002 unique constraint", prismaError("P2002", { target: ["idempotency_key"] })],
    ["Prisma P2025 record not found", prismaError("P2025")],
    ["Prisma P2034 write conflict", prismaError("P2034")],
    ["Prisma P2028 transaction API error", prismaError("P2028")],
    [
      "adapter: unique violation",
      adapterFailure({ kind: "UniqueConstraintViolation", constraint: { fields: ["id"] } }),
    ],
    ["adapter: serialization failure", adapterFailure({ kind: "TransactionWriteConflict" })],
    ["adapter: division by zero", adapterFailure({ kind: "postgres", code: "22012", severity: "ERROR" })],
    ["adapter: wrong password", adapterFailure({ kind: "AuthenticationFailed", user: "postgres" })],
    ["adapter: missing table", adapterFailure({ kind: "TableDoesNotExist", table: "accounts" })],
    ["a Redis script error", new ReplyError("ERR Error running script: attempt to compare nil with number")],
    ["a Redis NOSCRIPT", new ReplyError("NOSCRIPT No matching script. Please use EVAL.")],
    [
      "a Kafka protocol refusal",
      new KafkaJSProtocolError("The request attempted to perform an unauthorized operation"),
    ],
    ["a zod error", new z.ZodError([])],
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["a tRPC error about the caller", new TRPCError({ code: "UNAUTHORIZED", message: "Sign in again." })],
    ["nothing", undefined],
    ["a string", "ECONNREFUSED"],
  ])("%s", (_name, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });

  it("survives a cause that points back at itself", () => {
    const looped = new Error("looped") as Error & { cause?: unknown };
    looped.cause = looped;
    expect(isDependencyFailure(looped)).toBe(false);
  });
});

describe("the customer's message", () => {
  it("is the one a ServiceUnavailableError chose, else the general one", () => {
    const chosen = new ServiceUnavailableError("Trading is briefly unavailable. Try again in a few seconds.");
    expect(unavailableMessageOf(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: chosen }))).toBe(chosen.message);
    expect(unavailableMessageOf(prismaError("P1001"))).toBe(DEPENDENCY_UNAVAILABLE_MESSAGE);
  });
});
