// The authorization matrix: every procedure of appRouter, called with no session, as alice, as bob (another customer,
// reaching for alice's order or saga where the procedure takes one) and as the operator. The procedures come from the
// router itself, so a new procedure without a row here fails, and so does a row for one that is gone.
//
// Refused calls must be refused before any business state is read or written (UNAUTHORIZED, FORBIDDEN; NOT_FOUND for
// another customer's resource, so bob cannot tell alice's order from a missing one) and must change nothing. Allowed
// calls must get past authorization: read-only ones succeed; the others are given inputs a domain rule refuses or that
// name nothing (a random id, an unknown broker, a symbol we do not trade), so the matrix never trades or decides.
//
// Operator actions that move money or change the system also want a recent password confirmation (step-up): the
// operator's cells are called in a session that has one, and a last test calls each of them in a session without.
import { randomUUID } from "node:crypto";
import { DEMO_PASSWORD } from "@meridian/db/setup";
import type { ProcedureType } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CALLERS,
  callProcedure,
  createAliceResources,
  STEP_UP_REQUIRED,
  formatMatrix,
  routerProcedures,
  stateSnapshot,
  type AliceResources,
  type CallerName,
  type MatrixCell,
  type Outcome,
} from "../../test/authorizationFixtures";
import { createHarness, type Harness } from "../../test/harness";

/** Who may call: anyone, any signed-in user, customers only, operators only, operators with a recent step-up. */
type Access = "public" | "signedIn" | "customer" | "operator" | "stepUp";

interface MatrixRow {
  access: Access;
  /** A valid input; a resource-scoped procedure's names one of alice's resources. */
  input?: (alice: AliceResources) => unknown;
  /** The input names alice's order or saga (a saga's id is also its idempotency key): bob must get NOT_FOUND. */
  aliceResource?: "order" | "saga";
  /** What an allowed caller gets: "ok" (read-only, or a harmless replay), or "refused" by a domain or input rule. */
  allowed: "ok" | "refused";
}

const REASON = "authorization matrix probe";
const NOWHERE = randomUUID();
const UNTRADED_ORDER = { symbol: "ZZZZ", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" };
const SMALL_BUY = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" };
const bulkRows = (id: string) => [{ id, expected: "MATRIX@0" }];

const MATRIX: Record<string, MatrixRow> = {
  "auth.login": {
    access: "public",
    // The harness's session saves nothing, so a real login is harmless.
    input: () => ({ email: CALLERS.alice, password: DEMO_PASSWORD }),
    allowed: "ok",
  },
  "auth.logout": { access: "signedIn", allowed: "ok" },
  // Ends every session of the caller: each cell has a session of its own, so no other cell is signed out.
  "auth.signOutEverywhere": { access: "signedIn", allowed: "ok" },
  "auth.stepUp": { access: "operator", input: () => ({ password: DEMO_PASSWORD }), allowed: "ok" },
  "auth.me": { access: "public", allowed: "ok" },

  "account.summary": { access: "customer", allowed: "ok" },
  "market.quotes": { access: "customer", allowed: "ok" },
  "market.ticketSettings": { access: "customer", allowed: "ok" },
  "market.entry": { access: "customer", allowed: "ok" },

  "orders.place": { access: "customer", input: () => UNTRADED_ORDER, allowed: "refused" },
  // Alice's own order is PENDING_NEW: her cancel closes it at once, without a broker.
  "orders.cancel": {
    access: "customer",
    input: (alice) => ({ orderId: alice.openOrderId }),
    aliceResource: "order",
    allowed: "ok",
  },
  "orders.list": { access: "customer", allowed: "ok" },
  "orders.byId": {
    access: "customer",
    input: (alice) => ({ orderId: alice.openOrderId }),
    aliceResource: "order",
    allowed: "ok",
  },
  "orders.onChange": { access: "customer", allowed: "ok" },

  "fx.rate": { access: "customer", allowed: "ok" },
  "fx.previewExchange": { access: "customer", input: () => ({ sell: "USD", amount: "100.00" }), allowed: "ok" },
  // Alice's own key replays her saga: nothing new starts. Keys are per account: bob's use of the same key is a
  // request of his own (a saga of his), which says nothing about alice's.
  "fx.exchange": {
    access: "customer",
    input: (alice) => ({ sell: "USD", amount: "1.00", quoteId: "matrix-quote", idempotencyKey: alice.exchangeKey }),
    allowed: "ok",
  },
  "fx.previewBuyWithWon": { access: "customer", input: () => SMALL_BUY, allowed: "ok" },
  "fx.buyWithWon": {
    access: "customer",
    input: (alice) => ({
      order: SMALL_BUY,
      quoteId: "matrix-quote",
      maxWon: "20000",
      idempotencyKey: alice.buyWithWonKey,
    }),
    allowed: "ok",
  },
  "fx.sagas": { access: "customer", allowed: "ok" },
  "fx.saga": {
    access: "customer",
    input: (alice) => ({ sagaId: alice.exchangeSagaId }),
    aliceResource: "saga",
    allowed: "ok",
  },

  "admin.orders.list": { access: "operator", allowed: "ok" },
  "admin.orders.detail": { access: "operator", input: (alice) => ({ orderId: alice.openOrderId }), allowed: "ok" },
  "admin.orders.onChange": { access: "operator", allowed: "ok" },
  "admin.accounts.detail": { access: "operator", input: (alice) => ({ accountId: alice.accountId }), allowed: "ok" },
  "admin.attention.list": { access: "operator", allowed: "ok" },
  "admin.attention.act": {
    access: "stepUp",
    input: () => ({ orderId: NOWHERE, action: "REJECT", reason: REASON }),
    allowed: "refused",
  },
  "admin.attention.preview": {
    access: "operator",
    input: () => ({ ids: [NOWHERE], decision: "REJECT" }),
    allowed: "ok",
  },
  // A row whose state is not the one "previewed" is skipped; only the batch's own audit row is written.
  "admin.attention.decideMany": {
    access: "stepUp",
    input: () => ({ decision: "REJECT", reason: REASON, rows: bulkRows(NOWHERE) }),
    allowed: "ok",
  },
  "admin.brokers.overview": { access: "operator", allowed: "ok" },
  // The harness's simulator address answers nothing: refused before anything is audited.
  "admin.brokers.setFaults": {
    access: "stepUp",
    input: () => ({ brokerId: "atlas", faults: {}, reason: REASON }),
    allowed: "refused",
  },
  "admin.brokers.forceBreaker": {
    access: "stepUp",
    input: () => ({ brokerId: "nowhere", state: "open", reason: REASON }),
    allowed: "refused",
  },
  // atlas's breaker is not forced: nothing to release.
  "admin.brokers.releaseBreaker": {
    access: "stepUp",
    input: () => ({ brokerId: "atlas", reason: REASON }),
    allowed: "refused",
  },
  "admin.brokers.setTps": {
    access: "stepUp",
    input: () => ({ brokerId: "nowhere", tps: 5, reason: REASON }),
    allowed: "refused",
  },
  "admin.pending.list": { access: "operator", allowed: "ok" },
  "admin.feePoints.branches": { access: "operator", allowed: "ok" },
  "admin.feePoints.reconciliation": { access: "operator", allowed: "ok" },
  "admin.pending.resolve": {
    access: "stepUp",
    input: () => ({ orderId: NOWHERE, decision: "CONFIRM", reason: REASON }),
    allowed: "refused",
  },
  "admin.pending.preview": {
    access: "operator",
    input: () => ({ ids: [NOWHERE], decision: "CONFIRM" }),
    allowed: "ok",
  },
  "admin.pending.decideMany": {
    access: "stepUp",
    input: () => ({ decision: "CONFIRM", reason: REASON, rows: bulkRows(NOWHERE) }),
    allowed: "ok",
  },
  "admin.quarantine.list": { access: "operator", allowed: "ok" },
  "admin.quarantine.openCount": { access: "operator", allowed: "ok" },
  "admin.quarantine.review": {
    access: "stepUp",
    input: () => ({ key: "callback:999999999", reason: REASON }),
    allowed: "refused",
  },
  "admin.quarantine.preview": {
    access: "operator",
    input: () => ({ ids: ["callback:999999999"], decision: "REVIEW" }),
    allowed: "ok",
  },
  "admin.quarantine.decideMany": {
    access: "stepUp",
    input: () => ({ decision: "REVIEW", reason: REASON, rows: bulkRows("callback:999999999") }),
    allowed: "ok",
  },
  "admin.stats": { access: "operator", allowed: "ok" },
  "admin.lateFills": { access: "operator", allowed: "ok" },
  "admin.pipeline": { access: "operator", allowed: "ok" },
  "admin.parkedMessages.list": { access: "operator", allowed: "ok" },
  "admin.parkedMessages.retry": {
    access: "stepUp",
    input: () => ({ messageId: NOWHERE, reason: REASON }),
    allowed: "refused",
  },
  "admin.recon.run": { access: "stepUp", input: () => ({ brokerId: "nowhere" }), allowed: "refused" },
  "admin.recon.runs": { access: "operator", allowed: "ok" },
  "admin.recon.items": { access: "operator", allowed: "ok" },
  "admin.recon.decide": {
    access: "stepUp",
    input: () => ({ itemId: NOWHERE, decision: "APPROVE", reason: REASON }),
    allowed: "refused",
  },
  "admin.recon.preview": { access: "operator", input: () => ({ ids: [NOWHERE], decision: "APPROVE" }), allowed: "ok" },
  "admin.recon.decideMany": {
    access: "stepUp",
    input: () => ({ decision: "APPROVE", reason: REASON, rows: bulkRows(NOWHERE) }),
    allowed: "ok",
  },
  "admin.sagas.list": { access: "operator", allowed: "ok" },
  "admin.sagas.detail": { access: "operator", input: (alice) => ({ sagaId: alice.exchangeSagaId }), allowed: "ok" },
  "admin.sagas.counts": { access: "operator", allowed: "ok" },
  "admin.sagas.fxReconciliation": { access: "operator", allowed: "ok" },
  "admin.sagas.retryCompensation": {
    access: "stepUp",
    input: (alice) => ({ sagaId: alice.exchangeSagaId, step: "no-such-step", reason: REASON }),
    allowed: "refused",
  },
  "admin.sagas.resolveCompensation": {
    access: "stepUp",
    input: (alice) => ({ sagaId: alice.exchangeSagaId, step: "no-such-step", reason: REASON }),
    allowed: "refused",
  },
  "admin.sessions.list": { access: "operator", input: (alice) => ({ accountId: alice.accountId }), allowed: "ok" },
  "admin.sessions.revoke": {
    access: "operator",
    input: (alice) => ({ accountId: alice.accountId, sessionId: NOWHERE, reason: REASON }),
    allowed: "refused",
  },
  "admin.loginFailures": { access: "operator", allowed: "ok" },
  "admin.invariants.list": { access: "operator", allowed: "ok" },
  "admin.invariants.openCount": { access: "operator", allowed: "ok" },
};

/**
 * Cells that break the rule today, pinned to what they answer so that the suite stays green until they are fixed (a
 * fixed cell fails until its line here is removed). None now.
 */
const KNOWN_DEVIATIONS: Record<string, Outcome> = {};

const AUTHORIZATION_CODES = new Set(["UNAUTHORIZED", "FORBIDDEN", STEP_UP_REQUIRED]);

/** A refusal with its code, or a call that must get past authorization. */
type Want = { refusedWith: "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" } | { allowed: MatrixRow["allowed"] };

function want(row: MatrixRow, caller: CallerName): Want {
  if (row.access === "public") return { allowed: row.allowed };
  if (caller === "anonymous") return { refusedWith: "UNAUTHORIZED" };
  if (row.access === "signedIn") return { allowed: row.allowed };
  const isOperator = caller === "ops";
  if (isOperator !== (row.access === "operator" || row.access === "stepUp")) return { refusedWith: "FORBIDDEN" };
  if (caller === "bob" && row.aliceResource) return { refusedWith: "NOT_FOUND" };
  return { allowed: row.allowed };
}

function meets(outcome: Outcome, wanted: Want): boolean {
  if ("refusedWith" in wanted) return outcome === wanted.refusedWith;
  if (wanted.allowed === "ok") return outcome === "OK";
  // Refused by a domain or input rule: not by authorization, and not a crash either.
  return outcome !== "OK" && !AUTHORIZATION_CODES.has(outcome) && outcome !== "INTERNAL_SERVER_ERROR";
}

const describeWant = (wanted: Want) =>
  "refusedWith" in wanted ? wanted.refusedWith : wanted.allowed === "ok" ? "OK" : "a domain error";

describe("authorization matrix", () => {
  let h: Harness;
  let alice: AliceResources;
  let bobAccountId: string;
  const procedures = routerProcedures();
  const paths = [...procedures.keys()].filter((path) => path in MATRIX);
  const cells = new Map<string, MatrixCell>();

  const cellsOf = (phase: "refused" | "allowed") =>
    paths.flatMap((path) =>
      (Object.keys(CALLERS) as CallerName[])
        .map((caller) => ({ path, caller, wanted: want(MATRIX[path]!, caller) }))
        .filter(({ wanted }) => "refusedWith" in wanted === (phase === "refused")),
    );

  /** Calls each cell in turn (in table order, so a cancel never races a read) and records what came back. */
  const run = async (phase: "refused" | "allowed") => {
    for (const { path, caller, wanted } of cellsOf(phase)) {
      const input = MATRIX[path]!.input?.(alice);
      const type = procedures.get(path) as ProcedureType;
      const outcome = await callProcedure(h, CALLERS[caller], path, type, input);
      const pinned = KNOWN_DEVIATIONS[`${path} ${caller}`];
      const ok = pinned === undefined ? meets(outcome, wanted) : outcome === pinned;
      cells.set(`${path} ${caller}`, {
        outcome,
        want: pinned ?? describeWant(wanted),
        ok,
        pinned: pinned !== undefined,
      });
    }
    return cellsOf(phase).filter(({ path, caller }) => !cells.get(`${path} ${caller}`)!.ok);
  };
  const wrongCells = (wrong: { path: string; caller: CallerName }[]) =>
    wrong.map(({ path, caller }) => {
      const cell = cells.get(`${path} ${caller}`)!;
      const fixed = cell.pinned ? " (fixed? remove its KNOWN_DEVIATIONS line)" : "";
      return `${path} as ${caller}: got ${cell.outcome}, want ${cell.want}${fixed}`;
    });
  const matrixText = () => `\n${formatMatrix(paths, cells)}\n`;

  beforeAll(async () => {
    h = await createHarness();
    alice = await createAliceResources(h);
    bobAccountId = (await h.account(CALLERS.bob)).id;
  });
  afterAll(async () => h?.close());

  it("has a row for every procedure of the router, and none for a procedure that is gone", () => {
    const problems = [
      ...[...procedures.keys()]
        .filter((path) => !(path in MATRIX))
        .map((path) => `add a row for ${path} (${procedures.get(path)}) to MATRIX`),
      ...Object.keys(MATRIX)
        .filter((path) => !procedures.has(path))
        .map((path) => `remove the row for ${path}: the router has no such procedure`),
      ...Object.keys(KNOWN_DEVIATIONS)
        .filter((cell) => !procedures.has(cell.split(" ")[0]!) || !(cell.split(" ")[1]! in CALLERS))
        .map((cell) => `remove the KNOWN_DEVIATIONS line for "${cell}": no such procedure or caller`),
    ];
    expect(problems).toEqual([]);
  });

  it("refuses every caller the table does not allow, and the refused calls change nothing", async () => {
    const before = await stateSnapshot(h, [alice.accountId, bobAccountId]);
    const wrong = await run("refused");
    const after = await stateSnapshot(h, [alice.accountId, bobAccountId]);

    // Soft, so that a wrong cell still shows what it changed.
    expect.soft(wrongCells(wrong), matrixText()).toEqual([]);
    expect(after, "a refused call changed alice's or bob's books, the sagas or the audit log").toEqual(before);
  });

  it("lets every allowed caller through: read-only calls succeed, the others fail only on a domain rule", async () => {
    const wrong = await run("allowed");

    expect(wrongCells(wrong), matrixText()).toEqual([]);
    // Every stream the matrix opened was closed again.
    expect(h.services.orderFeed.subscriberCount).toBe(0);
    console.info(
      `authorization matrix: ${paths.length} procedures × ${Object.keys(CALLERS).length} callers = ${cells.size} cells; ` +
        `known deviations pinned: ${Object.keys(KNOWN_DEVIATIONS).join(", ") || "none"}`,
    );
  });

  it("refuses every step-up procedure to an operator who has not confirmed their password, changing nothing", async () => {
    const stepUpPaths = paths.filter((path) => MATRIX[path]!.access === "stepUp");
    expect(stepUpPaths.length).toBeGreaterThan(0);
    const before = await stateSnapshot(h, [alice.accountId, bobAccountId]);
    const wrong: string[] = [];
    for (const path of stepUpPaths) {
      const input = MATRIX[path]!.input?.(alice);
      const outcome = await callProcedure(h, CALLERS.ops, path, procedures.get(path)!, input, { stepUp: false });
      if (outcome !== STEP_UP_REQUIRED)
        wrong.push(`${path} as ops without step-up: got ${outcome}, want ${STEP_UP_REQUIRED}`);
    }
    const after = await stateSnapshot(h, [alice.accountId, bobAccountId]);

    expect.soft(wrong).toEqual([]);
    expect(after, "a call refused for want of step-up changed the books, the sagas or the audit log").toEqual(before);
  });
});
