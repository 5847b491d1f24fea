// Signing in against a real database and, for the throttle, a real Redis (REDIS_URL; CI sets it). Without REDIS_URL
// the same tests run on the in-memory throttle and only the Redis-specific one is skipped.
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "@meridian/db/setup";
import { createHarness, type Harness } from "../../test/harness";
import { signIn, WRONG_CREDENTIALS } from "./login";
import { LOGIN_ACTIONS } from "./loginAudit";
import { closeLoginThrottle, loginThrottleOf } from "./loginThrottle";
import { needsRehash, verifyPassword } from "./passwords";

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn("REDIS_URL is unset: the login throttle runs in memory and its Redis test is skipped");
// A prefix of this run's own: the counts of another run (or another test file) on the same Redis never meet ours.
const REDIS_PREFIX = `test-login-${randomBytes(4).toString("hex")}`;

let h: Harness;
let redis: Redis | null = null;

beforeAll(async () => {
  h = await createHarness({
    env: {
      ...(REDIS_URL ? { REDIS_URL } : {}),
      REDIS_PREFIX,
      LOGIN_LOCKOUT_BASE_MS: "1000",
      LOGIN_LOCKOUT_MAX_MS: "2000",
      LOGIN_ADDRESS_MAX_FAILURES: "3",
    },
  });
  if (REDIS_URL) redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  if (redis) {
    const keys = await redis.keys(`${REDIS_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
  await closeLoginThrottle(h.services);
  await h.close();
});

/** What one sign-in attempt answers: ok, or the error's code and message. */
async function attempt(email: string, password: string, request?: { ip: string | null; userAgent: string | null }) {
  try {
    await signIn({ ctx: { services: h.services, request }, input: { email, password } });
    return { ok: true as const };
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

const WRONG = { code: "FORBIDDEN", message: WRONG_CREDENTIALS };
const LOCKED = { code: "TOO_MANY_REQUESTS", message: "Too many sign-in attempts. Try again in 1 minute." };

async function waitUntilUnlocked(email: string) {
  const throttle = loginThrottleOf(h.services);
  for (let i = 0; i < 100 && (await throttle.lockedForMs({ email, address: null })) > 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

describe("signing in", () => {
  it("works for the seeded demo users, whose hashes are scrypt with today's parameters", async () => {
    const alice = await h.services.prisma.user.findUniqueOrThrow({ where: { email: "alice@demo.meridian" } });
    expect(alice.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(needsRehash(alice.passwordHash)).toBe(false);
    const caller = await h.caller(null);
    await expect(caller.auth.login({ email: "Alice@Demo.Meridian", password: DEMO_PASSWORD })).resolves.toEqual({
      role: "CUSTOMER",
    });
  });

  it("verifies a legacy bcrypt hash and replaces it with scrypt on that sign-in", async () => {
    const legacy = await bcrypt.hash(DEMO_PASSWORD, 4);
    await h.services.prisma.user.update({ where: { email: "chloe@demo.meridian" }, data: { passwordHash: legacy } });
    expect(await attempt("chloe@demo.meridian", DEMO_PASSWORD)).toEqual({ ok: true });
    const chloe = await h.services.prisma.user.findUniqueOrThrow({ where: { email: "chloe@demo.meridian" } });
    expect(chloe.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(DEMO_PASSWORD, chloe.passwordHash)).toBe(true);
    expect(await attempt("chloe@demo.meridian", DEMO_PASSWORD)).toEqual({ ok: true });
  });

  it("locks alice for a growing time after 10 wrong passwords, while bob still signs in", async () => {
    const email = "alice@demo.meridian";
    const throttle = loginThrottleOf(h.services);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await attempt(email, `wrong-${i}`));
    expect(answers).toEqual([WRONG, WRONG, WRONG, WRONG, LOCKED]);
    const firstLockout = await throttle.lockedForMs({ email, address: null });
    expect(firstLockout).toBeGreaterThan(0);
    expect(firstLockout).toBeLessThanOrEqual(1000);
    // Locked means locked: even the right password is not checked.
    expect(await attempt(email, DEMO_PASSWORD)).toEqual(LOCKED);
    expect(await attempt("bob@demo.meridian", DEMO_PASSWORD)).toEqual({ ok: true });

    await waitUntilUnlocked(email);
    answers.length = 0;
    for (let i = 5; i < 10; i++) answers.push(await attempt(email, `wrong-${i}`));
    expect(answers).toEqual([WRONG, WRONG, WRONG, WRONG, LOCKED]);
    const secondLockout = await throttle.lockedForMs({ email, address: null });
    expect(secondLockout).toBeGreaterThan(1000);
    expect(secondLockout).toBeLessThanOrEqual(2000);
    expect(await attempt("bob@demo.meridian", DEMO_PASSWORD)).toEqual({ ok: true });

    // After the lockout the right password works, and resets the count: the next lockout is the first one again.
    await waitUntilUnlocked(email);
    expect(await attempt(email, DEMO_PASSWORD)).toEqual({ ok: true });
    for (let i = 0; i < 4; i++) expect(await attempt(email, `again-${i}`)).toEqual(WRONG);
    expect(await attempt(email, "again-4")).toEqual(LOCKED);
    expect(await throttle.lockedForMs({ email, address: null })).toBeLessThanOrEqual(1000);
  });

  it.skipIf(!REDIS_URL)("keeps the counts in Redis, where every web process shares them", async () => {
    expect(await redis!.keys(`${REDIS_PREFIX}:auth:login:email:failures:*`)).not.toHaveLength(0);
    expect(await redis!.keys(`${REDIS_PREFIX}:auth:login:email:lockouts:*`)).not.toHaveLength(0);
  });

  it("answers an unknown email exactly as a known one, in words and about in time", async () => {
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await attempt("bob@demo.meridian", `wrong-${i}`));
      unknown.push(await attempt("nobody@demo.meridian", `wrong-${i}`));
    }
    expect(unknown).toEqual(known);
    expect(known).toEqual([WRONG, WRONG, WRONG, WRONG, LOCKED, LOCKED]);

    const median = async (email: string) => {
      const times = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        await attempt(email, "not-the-password");
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[1]!;
    };
    const [knownMs, unknownMs] = [await median("chloe@demo.meridian"), await median("nobody-else@demo.meridian")];
    // Both pay one scrypt; without the dummy hash an unknown email would answer in a few milliseconds.
    expect(unknownMs).toBeGreaterThan(knownMs / 2);
  });

  it("locks a source address that fails for many emails, and only that address", async () => {
    const from = { ip: "203.0.113.7", userAgent: "guesser/1.0" };
    for (const email of ["x1@demo.meridian", "x2@demo.meridian"])
      expect(await attempt(email, "guess", from)).toEqual(WRONG);
    expect(await attempt("x3@demo.meridian", "guess", from)).toEqual(LOCKED);
    expect(await attempt("ops@demo.meridian", DEMO_PASSWORD, from)).toEqual(LOCKED);
    expect(await attempt("ops@demo.meridian", DEMO_PASSWORD, { ip: "198.51.100.1", userAgent: null })).toEqual({
      ok: true,
    });
  });

  it("audits every attempt: who, what, which email, why, and from where", async () => {
    const email = "ops@demo.meridian";
    const ops = await h.services.prisma.user.findUniqueOrThrow({ where: { email } });
    const from = { ip: "192.0.2.10", userAgent: "Mozilla/5.0 (test)" };
    const since = await h.services.prisma.auditLog.count();
    await attempt("OPS@demo.meridian", "wrong", from);
    await attempt("ghost@demo.meridian", "wrong", from);
    await attempt(email, DEMO_PASSWORD, from);
    const rows = await h.services.prisma.auditLog.findMany({ orderBy: { id: "asc" }, skip: since });
    expect(
      rows.map(({ actor, action, targetType, targetId, detail }) => ({ actor, action, targetType, targetId, detail })),
    ).toEqual([
      { actor: "anonymous", action: LOGIN_ACTIONS.failed, targetType: "login", targetId: email, detail: from },
      {
        actor: "anonymous",
        action: LOGIN_ACTIONS.failed,
        targetType: "login",
        targetId: "ghost@demo.meridian",
        detail: from,
      },
      { actor: ops.id, action: LOGIN_ACTIONS.succeeded, targetType: "login", targetId: email, detail: from },
    ]);
    expect(rows.every((row) => row.reason.length > 5)).toBe(true);
    expect(rows[0]!.reason).toBe("Wrong password.");
    expect(rows[1]!.reason).toBe("No user has this email.");
  });

  it("audits attempts refused by a lockout, and shows failures to operators only (admin.loginFailures)", async () => {
    const lockedBefore = await h.services.prisma.auditLog.count({ where: { action: LOGIN_ACTIONS.locked } });
    expect(await attempt("x3@demo.meridian", "guess", { ip: "203.0.113.7", userAgent: null })).toEqual(LOCKED);
    expect(await h.services.prisma.auditLog.count({ where: { action: LOGIN_ACTIONS.locked } })).toBe(lockedBefore + 1);

    const failures = await (await h.caller("ops@demo.meridian")).admin.loginFailures();
    expect(failures.length).toBeGreaterThan(10);
    expect(failures.length).toBeLessThanOrEqual(50);
    expect(failures[0]).toMatchObject({ email: "x3@demo.meridian", outcome: "locked", ip: "203.0.113.7" });
    expect(failures.every((failure) => failure.outcome !== ("succeeded" as string))).toBe(true);
    await expect((await h.caller("bob@demo.meridian")).admin.loginFailures()).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect((await h.caller(null)).admin.loginFailures()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
