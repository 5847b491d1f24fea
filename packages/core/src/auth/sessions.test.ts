// Server-side sessions against a real database: a copied cookie (a session id someone stole) must stop working the
// moment its session ends, however it ends; sign-in always starts a fresh id; operator actions want a recent password
// confirmation. Time is moved by backdating the session's row, as if the minutes had passed.
import { createHash } from "node:crypto";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { DEMO_PASSWORD } from "@meridian/db/setup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerWithCookie, createHarness, sessionTokenFor, type ApiCaller, type Harness } from "../../test/harness";
import { createRequestContext } from "../trpc/context";
import { createCallerFactory } from "../trpc/init";
import { appRouter } from "../trpc/root";
import { SessionEnded, StepUpRequired } from "../trpc/sessionErrors";
import { STEP_UP_ACTIONS } from "./loginAudit";
import { memorySessionCookie, type SessionCookie } from "./sessionCookie";
import { hashSessionToken, TOUCH_EVERY_MS } from "./sessions";
import { WRONG_STEP_UP_PASSWORD } from "./stepUp";

const ALICE = "alice@demo.meridian";
const BOB = "bob@demo.meridian";
const OPS = "ops@demo.meridian";
const MINUTE = 60_000;

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** A browser: its own cookie jar and the API as it calls it. */
function browser(token: string | null = null): { cookie: SessionCookie; api: ApiCaller } {
  const cookie = memorySessionCookie(token);
  return { cookie, api: callerWithCookie(h.services, cookie) };
}

/** Signs in through auth.login in a fresh browser; answers the browser and the id its cookie now holds. */
async function signedIn(email: string) {
  const signedInBrowser = browser();
  await signedInBrowser.api.auth.login({ email, password: DEMO_PASSWORD });
  return { ...signedInBrowser, token: signedInBrowser.cookie.read()! };
}

/** What a call answers: "OK", or its error's code and, for a session that ended, why. */
async function outcome(call: Promise<unknown>) {
  try {
    await call;
    return "OK";
  } catch (thrown) {
    const error = getTRPCErrorFromUnknown(thrown);
    return error.cause instanceof SessionEnded ? `${error.code}:${error.cause.reason}` : error.code;
  }
}

const sessionOf = (token: string) =>
  h.db.prisma.session.findUniqueOrThrow({ where: { tokenHash: hashSessionToken(token) } });

/** Moves a session's clock: as if it was last used `ago` ms ago (and, for `created`, signed in that long ago). */
async function backdate(token: string, ago: { lastSeen?: number; created?: number; steppedUp?: number }) {
  const now = Date.now();
  const session = await sessionOf(token);
  await h.db.prisma.session.update({
    where: { id: session.id },
    data: {
      ...(ago.lastSeen !== undefined && { lastSeenAt: new Date(now - ago.lastSeen) }),
      ...(ago.created !== undefined && {
        createdAt: new Date(now - ago.created),
        expiresAt: new Date(now - ago.created + h.services.config.auth.sessions.absoluteMs),
      }),
      ...(ago.steppedUp !== undefined && { steppedUpAt: new Date(now - ago.steppedUp) }),
    },
  });
}

describe("a session's id", () => {
  it("is 256 random bits in the cookie and only its SHA-256 in the database", async () => {
    const { token } = await signedIn(ALICE);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const row = await sessionOf(token);
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    const stored = JSON.stringify(await h.db.prisma.session.findMany());
    expect(stored).not.toContain(token);
  });

  it("is new at every sign-in: the id the browser held before is revoked", async () => {
    const alice = await signedIn(ALICE);
    const stolen = browser(alice.token);
    expect(await outcome(stolen.api.account.summary())).toBe("OK");

    await alice.api.auth.login({ email: BOB, password: DEMO_PASSWORD });
    const rotated = alice.cookie.read()!;
    expect(rotated).not.toBe(alice.token);
    expect(await outcome(stolen.api.account.summary())).toBe("UNAUTHORIZED:revoked");
    expect(await sessionOf(alice.token)).toMatchObject({ revokedReason: "Replaced by a new sign-in in this browser." });
    expect(await alice.api.auth.me()).toMatchObject({ user: { email: BOB } });
  });

  it("is revoked when the user's role changes: the session never acts with a role it did not start with", async () => {
    const { token } = await signedIn(BOB);
    const stolen = browser(token);
    await h.db.prisma.user.update({ where: { email: BOB }, data: { role: "OPERATOR" } });
    try {
      expect(await outcome(stolen.api.admin.stats())).toBe("UNAUTHORIZED:revoked");
      expect(await outcome(stolen.api.account.summary())).toBe("UNAUTHORIZED:revoked");
    } finally {
      await h.db.prisma.user.update({ where: { email: BOB }, data: { role: "CUSTOMER" } });
    }
    expect(await outcome(stolen.api.account.summary())).toBe("UNAUTHORIZED:revoked");
  });
});

describe("a stolen cookie", () => {
  it("is refused after the owner signs out", async () => {
    const alice = await signedIn(ALICE);
    const stolen = browser(alice.token);
    expect(await outcome(stolen.api.account.summary())).toBe("OK");

    await alice.api.auth.logout();
    expect(alice.cookie.read()).toBeNull();
    expect(await outcome(stolen.api.account.summary())).toBe("UNAUTHORIZED:revoked");
    expect(
      await outcome(
        stolen.api.orders.place({
          symbol: "AAPL",
          side: "BUY",
          type: "LIMIT",
          quantity: "1",
          limitPrice: "1.00",
          idempotencyKey: crypto.randomUUID(),
        } as never),
      ),
    ).toBe("UNAUTHORIZED:revoked");
    expect(await stolen.api.auth.me()).toBeNull();
  });

  it("is refused after the idle time: 30 minutes for a customer, 15 for an operator", async () => {
    const customer = await signedIn(ALICE);
    await backdate(customer.token, { lastSeen: 29 * MINUTE });
    expect(await outcome(browser(customer.token).api.account.summary())).toBe("OK");
    await backdate(customer.token, { lastSeen: 30 * MINUTE });
    expect(await outcome(browser(customer.token).api.account.summary())).toBe("UNAUTHORIZED:idle");

    const operator = await signedIn(OPS);
    await backdate(operator.token, { lastSeen: 14 * MINUTE });
    expect(await outcome(browser(operator.token).api.admin.stats())).toBe("OK");
    await backdate(operator.token, { lastSeen: 15 * MINUTE });
    expect(await outcome(browser(operator.token).api.admin.stats())).toBe("UNAUTHORIZED:idle");
  });

  it("is refused 12 hours after sign-in however busy the session is", async () => {
    const { token } = await signedIn(ALICE);
    await backdate(token, { created: 12 * 60 * MINUTE - MINUTE, lastSeen: 0 });
    expect(await outcome(browser(token).api.account.summary())).toBe("OK");
    await backdate(token, { created: 12 * 60 * MINUTE, lastSeen: 0 });
    expect(await outcome(browser(token).api.account.summary())).toBe("UNAUTHORIZED:expired");
  });

  it('is refused after "sign out everywhere", with every other session of that customer and no one else\'s', async () => {
    const phone = await signedIn(ALICE);
    const laptop = await signedIn(ALICE);
    const stolen = browser(phone.token);
    const bob = await signedIn(BOB);

    expect(await laptop.api.auth.signOutEverywhere()).toEqual({ ended: expect.any(Number) });
    expect(laptop.cookie.read()).toBeNull();
    expect(await outcome(stolen.api.account.summary())).toBe("UNAUTHORIZED:revoked");
    expect(await outcome(phone.api.account.summary())).toBe("UNAUTHORIZED:revoked");
    expect(await outcome(browser(laptop.token).api.account.summary())).toBe("UNAUTHORIZED:revoked");
    expect(await outcome(bob.api.account.summary())).toBe("OK");

    const alice = await h.db.prisma.user.findUniqueOrThrow({ where: { email: ALICE } });
    expect(await h.db.prisma.session.count({ where: { userId: alice.id, revokedAt: null } })).toBe(0);
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({
      where: { action: "auth.sessions.revoke-all", targetId: alice.id },
    });
    expect(audit).toMatchObject({ actor: `customer:${alice.id}`, reason: "Signed out everywhere." });
  });

  it("is refused after an operator revokes its session from the account page, with who, when and why audited", async () => {
    const alice = await signedIn(ALICE);
    const stolen = browser(alice.token);
    const account = await h.account(ALICE);
    const ops = await h.caller(OPS);
    const sessionId = (await sessionOf(alice.token)).id;

    const listed = await ops.admin.sessions.list({ accountId: account.id });
    expect(listed.find((session) => session.id === sessionId)).toMatchObject({ state: "active", revokedAt: null });
    await expect(ops.admin.sessions.revoke({ accountId: account.id, sessionId, reason: "no" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await outcome(stolen.api.account.summary())).toBe("OK");

    const reason = "customer reported a stolen laptop";
    const revoked = await ops.admin.sessions.revoke({ accountId: account.id, sessionId, reason });
    expect(revoked.sessionId).toBe(sessionId);
    expect(await outcome(stolen.api.account.summary())).toBe("UNAUTHORIZED:revoked");
    expect(await outcome(alice.api.account.summary())).toBe("UNAUTHORIZED:revoked");

    const operator = await h.db.prisma.user.findUniqueOrThrow({ where: { email: OPS } });
    const after = (await ops.admin.sessions.list({ accountId: account.id })).find(
      (session) => session.id === sessionId,
    );
    expect(after).toMatchObject({ state: "revoked", revokedBy: `operator:${operator.id}`, revokedReason: reason });
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({
      where: { action: "auth.session.revoke", targetId: sessionId },
    });
    expect(audit).toMatchObject({ actor: `operator:${operator.id}`, reason, targetType: "session" });
    expect(after!.revokedAt).toBe(revoked.revokedAt);
    expect(Math.abs(audit.createdAt.getTime() - Date.parse(revoked.revokedAt))).toBeLessThan(5_000);

    await expect(ops.admin.sessions.revoke({ accountId: account.id, sessionId, reason })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    // Another account's page cannot reach this session.
    const bobAccount = await h.account(BOB);
    await expect(ops.admin.sessions.revoke({ accountId: bobAccount.id, sessionId, reason })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("last seen", () => {
  it("is written at most once a minute, so a busy session does not write on every request", async () => {
    const { token } = await signedIn(ALICE);
    const api = browser(token).api;
    const created = (await sessionOf(token)).lastSeenAt;
    for (let i = 0; i < 5; i++) await api.account.summary();
    expect((await sessionOf(token)).lastSeenAt).toEqual(created);

    await backdate(token, { lastSeen: TOUCH_EVERY_MS });
    const before = Date.now();
    await api.account.summary();
    const touched = (await sessionOf(token)).lastSeenAt.getTime();
    expect(touched).toBeGreaterThanOrEqual(before);
    await api.account.summary();
    expect((await sessionOf(token)).lastSeenAt.getTime()).toBe(touched);
  });

  it("is not moved by a screen polling on its own, so a session left open still idles out", async () => {
    const { token } = await signedIn(ALICE);
    const cookie = memorySessionCookie(token);
    const polling = createCallerFactory(appRouter)(() =>
      createRequestContext({ services: h.services, cookie, touch: false }),
    );
    await backdate(token, { lastSeen: 10 * MINUTE });
    const lastSeen = (await sessionOf(token)).lastSeenAt;
    await polling.account.summary();
    expect((await sessionOf(token)).lastSeenAt).toEqual(lastSeen);

    await backdate(token, { lastSeen: 30 * MINUTE });
    expect(await outcome(polling.account.summary())).toBe("UNAUTHORIZED:idle");
  });
});

describe("step-up for operator actions", () => {
  /** What a breaker change may touch: the breaker's row and the audit log. */
  const breakerState = async () =>
    JSON.stringify([
      await h.db.prisma.brokerCircuit.findMany({ orderBy: { brokerId: "asc" } }),
      await h.db.prisma.auditLog.count({ where: { targetType: "broker" } }),
    ]);
  const FORCE = { brokerId: "atlas", state: "open" as const, reason: "step-up test: atlas is misbehaving" };

  it("refuses an action without a recent password confirmation, changing nothing, and allows it after one", async () => {
    const ops = browser(await sessionTokenFor(h.services, OPS, { stepUp: false }));
    const before = await breakerState();

    const refused = await ops.api.admin.brokers.forceBreaker(FORCE).then(
      () => null,
      (error: unknown) => getTRPCErrorFromUnknown(error),
    );
    expect(refused).toMatchObject({ code: "FORBIDDEN", message: "Confirm your password to continue." });
    expect(refused!.cause).toBeInstanceOf(StepUpRequired);
    expect(await breakerState()).toBe(before);

    await expect(ops.api.auth.stepUp({ password: "not my password" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: WRONG_STEP_UP_PASSWORD,
    });
    expect(await outcome(ops.api.admin.brokers.forceBreaker(FORCE))).toBe("FORBIDDEN");
    expect(await breakerState()).toBe(before);

    const confirmed = await ops.api.auth.stepUp({ password: DEMO_PASSWORD });
    await ops.api.admin.brokers.forceBreaker(FORCE);
    expect(await h.db.prisma.brokerCircuit.findUniqueOrThrow({ where: { brokerId: "atlas" } })).toMatchObject({
      forcedState: "open",
    });
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({
      where: { action: "broker.breaker.force-open", targetId: "atlas" },
      orderBy: { id: "desc" },
    });
    expect(audit.detail).toEqual({ steppedUpAt: confirmed.steppedUpAt });
    const stepUps = await h.db.prisma.auditLog.findMany({
      where: { action: { in: [STEP_UP_ACTIONS.failed, STEP_UP_ACTIONS.succeeded] } },
      orderBy: { id: "asc" },
    });
    expect(stepUps.map((row) => row.action)).toEqual([STEP_UP_ACTIONS.failed, STEP_UP_ACTIONS.succeeded]);

    await ops.api.admin.brokers.releaseBreaker({ brokerId: "atlas", reason: "step-up test: clean up" });
  });

  it("expires 5 minutes after the password was confirmed", async () => {
    const ops = browser(await sessionTokenFor(h.services, OPS, { stepUp: false }));
    await ops.api.auth.stepUp({ password: DEMO_PASSWORD });
    const token = ops.cookie.read()!;
    await backdate(token, { steppedUp: 5 * MINUTE - 5_000 });
    await ops.api.admin.brokers.setTps({ brokerId: "atlas", tps: 150, reason: "step-up test: still fresh" });

    const before = await breakerState();
    await backdate(token, { steppedUp: 5 * MINUTE });
    expect(
      await outcome(ops.api.admin.brokers.setTps({ brokerId: "atlas", tps: 99, reason: "step-up test: stale" })),
    ).toBe("FORBIDDEN");
    expect(await breakerState()).toBe(before);
  });

  it("counts wrong passwords toward the sign-in throttle: enough of them lock the operator's sign-in too", async () => {
    const ops = browser(await sessionTokenFor(h.services, OPS, { stepUp: false }));
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await outcome(ops.api.auth.stepUp({ password: `wrong-${i}` })));
    expect(answers).toEqual(["FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "TOO_MANY_REQUESTS"]);
    expect(await outcome(ops.api.auth.stepUp({ password: DEMO_PASSWORD }))).toBe("TOO_MANY_REQUESTS");
    expect(await outcome(browser().api.auth.login({ email: OPS, password: DEMO_PASSWORD }))).toBe("TOO_MANY_REQUESTS");
    expect(
      await h.db.prisma.auditLog.count({ where: { action: STEP_UP_ACTIONS.locked, targetId: OPS } }),
    ).toBeGreaterThan(0);
  });
});
