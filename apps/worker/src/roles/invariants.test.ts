// The invariants role as the worker runs it, against a real database: a break made by hand shows on GET /health as
// degraded (still 200) with the count of open violations, and clears once the books are fixed.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createCoreServices, DEFAULT_INVARIANTS_OPTIONS, loadConfig, type CoreServices } from "@meridian/core";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { runInvariants } from "./invariants";
import { createReceiverApp } from "./receiver";

const env: NodeJS.ProcessEnv = {
  BROKER_URL: "http://127.0.0.1:9",
  BROKER_WEBHOOK_SECRET_ATLAS: randomBytes(16).toString("hex"),
  BROKER_WEBHOOK_SECRET_HARBOR: randomBytes(16).toString("hex"),
  INVARIANTS_INTERVAL_MS: "50",
};

/** The checker's options as the worker's composition root builds them from the configuration. */
const invariantsOptionsFrom = (environment: NodeJS.ProcessEnv) => ({
  ...DEFAULT_INVARIANTS_OPTIONS,
  ...loadConfig(environment).invariants,
});

type Health = {
  ok: boolean;
  invariants: {
    ok: boolean;
    open: number;
    checker: { lastPassAt: string; lastPassMs: number; lastPassKind: string } | null;
  };
};

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("invariants role", () => {
  let db: TestDatabase;
  let services: CoreServices;
  const stop = new AbortController();
  let running: Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = { ...createCoreServices({ env, prisma: db.prisma }), logger: pino({ level: "silent" }) };
    running = runInvariants(services, invariantsOptionsFrom(env), stop.signal);
  });
  afterAll(async () => {
    stop.abort();
    await running;
    await services?.lock.close();
    await services?.flow.close();
    await db?.drop();
  });

  it("reports an open violation on /health, degraded but 200, and clears it once fixed", async () => {
    const app = createReceiverApp(services);
    const health = async () => {
      const response = await app.request("/health");
      expect(response.status).toBe(200);
      return (await response.json()) as Health;
    };
    const first = await waitFor(health, (body) => body.invariants.checker !== null, "the first pass");
    expect(first).toMatchObject({
      ok: true,
      invariants: { ok: true, open: 0, checker: { lastPassKind: expect.any(String) } },
    });

    const account = await db.prisma.account.findFirstOrThrow({ where: { user: { email: "chloe@demo.meridian" } } });
    await db.prisma
      .$executeRaw`UPDATE cash_balances SET held = held + 5 WHERE account_id = ${account.id}::uuid AND currency = 'USD'`;
    expect(await waitFor(health, (body) => body.invariants.open > 0, "the violation")).toMatchObject({
      ok: false,
      invariants: { ok: false, open: 2 },
    });
    const open = await db.prisma.invariantViolation.findMany({
      where: { resolvedAt: null },
      orderBy: { invariant: "asc" },
    });
    expect(open.map((row) => [row.invariant, row.accountId])).toEqual([
      ["CASH_BALANCE_NE_LEDGER", account.id],
      ["HELD_CASH_NE_ORDER_HOLDS", account.id],
    ]);

    await db.prisma
      .$executeRaw`UPDATE cash_balances SET held = held - 5 WHERE account_id = ${account.id}::uuid AND currency = 'USD'`;
    expect(await waitFor(health, (body) => body.invariants.open === 0, "the fix")).toMatchObject({
      ok: true,
      invariants: { ok: true, open: 0 },
    });
  });

  it("refuses a setting that is not a positive whole number, by name", () => {
    expect(() => invariantsOptionsFrom({ INVARIANTS_GRACE_MS: "60s" })).toThrow(
      'INVARIANTS_GRACE_MS must be a positive whole number (milliseconds), got "60s"',
    );
    expect(invariantsOptionsFrom({})).toMatchObject({ intervalMs: 5_000, graceMs: 60_000, fullSweepMs: 3_600_000 });
  });
});
