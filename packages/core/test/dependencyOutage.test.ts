// A dependency that stops answering (Redis behind the account lock, the database) must give the customer a clear,
// retryable "temporarily unavailable" (tRPC SERVICE_UNAVAILABLE, HTTP 503), never a 500, and must leave nothing
// half-written. Redis here is a private redis-server of this file, stopped and restarted on the same port: the
// machine's shared Redis is never touched.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Redis } from "ioredis";
import { createPrismaClient, type PrismaClient } from "@meridian/db";
import { freePort } from "@meridian/db/testing";
import { RedisAccountLock } from "../src/lock/redisLock";
import { DEFAULT_LOCK_OPTIONS } from "../src/lock/port";
import type { AccountRef, CoreServices } from "../src/services";
import { createCallerFactory } from "../src/trpc/init";
import { appRouter } from "../src/trpc/root";
import { accountSnapshot, createHarness, type Harness } from "./harness";

const CUSTOMER = "alice@demo.meridian";
const WAIT_MS = 1500;
const limitBuy = () => ({
  symbol: "AAPL",
  side: "BUY" as const,
  type: "LIMIT" as const,
  quantity: "1",
  limitPrice: "100.00",
  idempotencyKey: crypto.randomUUID(),
});

/** A redis-server of our own, with nothing on disk, that a test can stop and start again on the same port. */
class PrivateRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    });
  }
  /** Frozen, not gone: connections stay open and nothing is answered (a stalled host, a full network buffer). */
  freeze(frozen: boolean): void {
    this.child?.kill(frozen ? "SIGSTOP" : "SIGCONT");
  }
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGKILL"); // as a crash: no goodbye to connected clients
    await once(child, "exit");
  }
}

async function sessionFor(h: Harness, email: string) {
  const user = await h.db.prisma.user.findUniqueOrThrow({ where: { email } });
  return { user: { userId: user.id, role: user.role }, save: async () => {}, destroy: async () => {} };
}

/** The same call over HTTP, as the web's route serves it: the formatted error and the status the browser sees. */
async function placeOverHttp(services: CoreServices, session: Awaited<ReturnType<typeof sessionFor>>) {
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request("http://meridian.test/api/trpc/orders.place", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(limitBuy()),
    }),
    router: appRouter,
    createContext: async () => ({ services, session }),
  });
  const body = (await response.json()) as {
    error?: { message: string; data: { code: string; httpStatus: number; retryable?: boolean } };
  };
  return { status: response.status, error: body.error };
}

async function failureOf(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("Redis behind the account lock goes away mid-day", () => {
  let h: Harness;
  let alice: AccountRef;
  let redis: PrivateRedis;
  let lockClient: Redis;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    h = await createHarness({
      lock: () => {
        // As the composition root builds it (createAccountLock), with a short wait budget for the test.
        lockClient = new Redis(redis.url, { maxRetriesPerRequest: 2 });
        lockClient.on("error", () => undefined);
        return new RedisAccountLock(
          lockClient,
          { ...DEFAULT_LOCK_OPTIONS, waitMs: WAIT_MS },
          `outage-${crypto.randomUUID()}`,
        );
      },
    });
    alice = await h.account(CUSTOMER);
  });
  afterAll(async () => {
    try {
      await h?.close();
    } finally {
      await redis?.stop(); // never left running, even when the harness could not close
    }
  });

  it("answers SERVICE_UNAVAILABLE (503, retryable) within the wait budget, writes nothing, and recovers", async () => {
    const api = await h.caller(CUSTOMER);
    await api.orders.place(limitBuy()); // healthy: the lock works
    const before = await accountSnapshot(h.services, alice.id);

    await redis.stop();
    const started = Date.now();
    const error = await failureOf(api.orders.place(limitBuy()));
    expect(Date.now() - started).toBeLessThan(WAIT_MS + 1000);
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(error.message).toMatch(/Nothing was placed or changed\. Try again in a few seconds\./);

    const overHttp = await placeOverHttp(h.services, await sessionFor(h, CUSTOMER));
    expect(overHttp.status).toBe(503);
    expect(overHttp.error?.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503, retryable: true });
    expect(overHttp.error?.message).toMatch(/Try again in a few seconds/);

    expect(await accountSnapshot(h.services, alice.id)).toBe(before); // no order, no hold, no outbox row

    await redis.start(); // same port, empty: the fencing counter restarts from Redis' clock
    if (lockClient.status !== "ready") await once(lockClient, "ready");
    const placed = await api.orders.place(limitBuy());
    expect(placed.status).toBe("PENDING_NEW");
  });

  it("a Redis that holds the connection open but never answers is not waited on past the wait budget", async () => {
    const api = await h.caller(CUSTOMER);
    const before = await accountSnapshot(h.services, alice.id);
    redis.freeze(true);
    try {
      const started = Date.now();
      const error = await failureOf(api.orders.place(limitBuy()));
      expect(Date.now() - started).toBeLessThan(WAIT_MS + 1500);
      expect(error.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      redis.freeze(false);
    }
    expect(await accountSnapshot(h.services, alice.id)).toBe(before);
    // The unanswered acquire still reached Redis when it woke, and took the lease for a token nobody holds; the release
    // queued behind it gave the lease back, so the account is not blocked for a whole lease (30 s).
    const started = Date.now();
    const placed = await api.orders.place(limitBuy());
    expect(placed.status).toBe("PENDING_NEW");
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
  });
});

describe("the database goes away", () => {
  let h: Harness;
  let alice: AccountRef;

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account(CUSTOMER);
  });
  afterAll(async () => h?.close());

  it("unreachable for a whole call: SERVICE_UNAVAILABLE, 503 and retryable", async () => {
    const session = await sessionFor(h, CUSTOMER);
    const unreachable = createPrismaClient(`postgresql://postgres@127.0.0.1:${await freePort()}/nowhere`);
    const services: CoreServices = { ...h.services, prisma: unreachable };
    try {
      const api = createCallerFactory(appRouter)({ services, session });
      const error = await failureOf(api.orders.place(limitBuy()));
      expect(error.code).toBe("SERVICE_UNAVAILABLE");

      const overHttp = await placeOverHttp(services, session);
      expect(overHttp.status).toBe(503);
      expect(overHttp.error?.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryable: true });
      expect(overHttp.error?.message).not.toMatch(/prisma|invocation|5432|nowhere/i); // no internals shown
    } finally {
      await unreachable.$disconnect();
    }
  });

  it("its connections terminated in the middle of a placement's transaction: SERVICE_UNAVAILABLE, nothing written", async () => {
    const session = await sessionFor(h, CUSTOMER);
    const before = await accountSnapshot(h.services, alice.id);
    const admin = createPrismaClient(h.db.url, 1);
    let terminated = 0;
    // Right before the order row is inserted (inside the placement's transaction), an operator's
    // pg_terminate_backend ends every session of the database but the admin's own: the transaction's connection dies.
    const dying = h.db.prisma.$extends({
      query: {
        order: {
          async create({ args, query }) {
            const rows = await admin.$queryRaw<{ ended: number }[]>`
              SELECT count(*)::int AS ended FROM (
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()) AS killed`;
            terminated += rows[0]!.ended;
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    try {
      const api = createCallerFactory(appRouter)({ services: { ...h.services, prisma: dying }, session });
      const error = await failureOf(api.orders.place(limitBuy()));
      expect(terminated).toBeGreaterThan(0);
      expect(error.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await admin.$disconnect();
    }
    // Read through a connection of its own: the pool's idle connections were terminated too, and the pool learns so
    // only when it next uses each one.
    const reader = createPrismaClient(h.db.url, 1);
    try {
      expect(await accountSnapshot({ ...h.services, prisma: reader }, alice.id)).toBe(before);
    } finally {
      await reader.$disconnect();
    }
    // The pool replaces the dead connections, each discarded at the first use that finds it dead; then the next
    // placement goes through. Bob's, not alice's: her account's lease row may outlive the killed transaction that
    // held it (its release ran on a dying connection) until it expires, which is the lock doing its job, not the pool
    // failing.
    await untilPoolAnswers(h.db.prisma);
    const placed = await (await h.caller("bob@demo.meridian")).orders.place(limitBuy());
    expect(placed.status).toBe("PENDING_NEW");
  });
});

/** Queries until the pool answers, each failure discarding one dead connection (at most one per pooled connection). */
async function untilPoolAnswers(prisma: PrismaClient): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await prisma.$queryRaw`SELECT 1`;
      return;
    } catch (error) {
      if (attempt >= 40) throw error;
    }
  }
}
