// What the authorization matrix (src/trpc/authorization.test.ts) needs besides its table: alice's resources for bob to
// reach for, a way to call any procedure by its dotted path and name what came back, and the matrix as text.
import { randomUUID } from "node:crypto";
import { getTRPCErrorFromUnknown, type AnyProcedure, type ProcedureType } from "@trpc/server";
import { BUY_WITH_WON_SAGA } from "../src/fx/buyWithWon";
import { EXCHANGE_SAGA } from "../src/fx/exchange";
import { placeOrder } from "../src/orders/placeOrder";
import { ZPlaceOrderInput } from "../src/orders/placeOrder.schema";
import { startSaga } from "../src/saga/store";
import { memorySessionCookie } from "../src/auth/sessionCookie";
import { createRequestContext } from "../src/trpc/context";
import { createCallerFactory } from "../src/trpc/init";
import { appRouter } from "../src/trpc/root";
import { StepUpRequired } from "../src/trpc/sessionErrors";
import { accountSnapshot, callerWithCookie, sessionTokenFor, type Harness } from "./harness";

export const CALLERS = {
  anonymous: null,
  alice: "alice@demo.meridian",
  bob: "bob@demo.meridian",
  ops: "ops@demo.meridian",
} as const;
export type CallerName = keyof typeof CALLERS;

/** "OK", the tRPC error code the call ended with, or STEP_UP_REQUIRED. */
export type Outcome = string;

/** An operator refused for want of a recent password confirmation (FORBIDDEN with `data.stepUpRequired`). */
export const STEP_UP_REQUIRED = "FORBIDDEN (step-up required)";

/** Alice's resources the matrix names: an open order, and one saga of each kind with the request key that started it. */
export interface AliceResources {
  accountId: string;
  openOrderId: string;
  exchangeSagaId: string;
  exchangeKey: string;
  buyWithWonSagaId: string;
  buyWithWonKey: string;
}

export async function createAliceResources(h: Harness): Promise<AliceResources> {
  const account = await h.account(CALLERS.alice);
  // No gateway runs in the harness, so the order stays PENDING_NEW and never reaches a broker.
  const order = await placeOrder({
    ctx: { services: h.services, account, actor: "test:authorization-matrix" },
    input: ZPlaceOrderInput.parse({ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" }),
  });
  // No saga runner runs either: the sagas stay RUNNING, with no step taken.
  const exchangeKey = randomUUID();
  const exchange = await startSaga(h.services.prisma, {
    idempotencyKey: exchangeKey,
    type: EXCHANGE_SAGA,
    accountId: account.id,
    input: { quoteId: "matrix-quote", sell: "USD", amount: "1.00" },
  });
  const buyWithWonKey = randomUUID();
  const buyWithWon = await startSaga(h.services.prisma, {
    idempotencyKey: buyWithWonKey,
    type: BUY_WITH_WON_SAGA,
    accountId: account.id,
    input: {
      order: { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" },
      quoteId: "matrix-quote",
      maxWon: "20000",
    },
  });
  return {
    accountId: account.id,
    openOrderId: order.id,
    exchangeSagaId: exchange.id,
    exchangeKey,
    buyWithWonKey,
    buyWithWonSagaId: buyWithWon.id,
  };
}

/** tRPC 11 keeps a flat record of dotted path → procedure at runtime (its type says the nested record). */
export function routerProcedures(): Map<string, ProcedureType> {
  if (Object.keys(appRouter._def.lazy).length > 0)
    throw new Error("appRouter has lazy routers: their procedures are not listed until loaded; load them first.");
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  return new Map(Object.entries(procedures).map(([path, procedure]) => [path, procedure._def.type]));
}

/** Everything a refused call must leave as it was: both customers' books, the sagas, and the audit log. */
export async function stateSnapshot(h: Harness, accountIds: string[]) {
  const [accounts, sagas, auditRows] = await Promise.all([
    Promise.all(accountIds.map((accountId) => accountSnapshot(h.services, accountId))),
    h.db.prisma.saga.findMany({ select: { id: true, accountId: true, status: true }, orderBy: { id: "asc" } }),
    h.db.prisma.auditLog.count(),
  ]);
  return { accounts, sagas, auditRows };
}

/**
 * Calls `path` as `email` (null: no session) and names the outcome. Queries and mutations go through `h.caller` (an
 * operator's session has a recent step-up), or, with `stepUp: false`, through a session without one. A subscription's
 * resolver subscribes at once and stops only when the caller's signal aborts, so subscriptions get a caller with a
 * signal (a session made as `h.caller` makes one): an authorized stream is opened and closed at once.
 */
export async function callProcedure(
  h: Harness,
  email: string | null,
  path: string,
  type: ProcedureType,
  input: unknown,
  options: { stepUp?: boolean } = {},
): Promise<Outcome> {
  try {
    if (type !== "subscription") {
      const caller =
        options.stepUp === false && email !== null
          ? callerWithCookie(h.services, memorySessionCookie(await sessionTokenFor(h.services, email, options)))
          : await h.caller(email);
      await procedureAt(caller, path)(input);
      return "OK";
    }
    const abort = new AbortController();
    const stream = (await procedureAt(
      await subscriptionCaller(h, email, abort.signal),
      path,
    )(input)) as AsyncIterable<unknown>;
    abort.abort();
    // An authorization check made lazily would throw here, on the first `next()`; an aborted stream ends at once.
    await stream[Symbol.asyncIterator]().next();
    return "OK";
  } catch (thrown) {
    const error = getTRPCErrorFromUnknown(thrown);
    return error.cause instanceof StepUpRequired ? STEP_UP_REQUIRED : error.code;
  }
}

function procedureAt(caller: unknown, path: string): (input: unknown) => Promise<unknown> {
  return path.split(".").reduce((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
}

async function subscriptionCaller(h: Harness, email: string | null, signal: AbortSignal) {
  const cookie = memorySessionCookie(email === null ? null : await sessionTokenFor(h.services, email));
  return createCallerFactory(appRouter)(() => createRequestContext({ services: h.services, cookie }), { signal });
}

/** One call of the matrix: what came back, what the table wants, and whether that is a pinned known deviation. */
export interface MatrixCell {
  outcome: Outcome;
  want: string;
  ok: boolean;
  pinned: boolean;
}

/**
 * The matrix as a text table: one row per path, one column per caller; `·` not called (yet), `*` a pinned deviation,
 * `✗ got (want …)` a cell that is wrong.
 */
export function formatMatrix(paths: string[], cells: Map<string, MatrixCell>): string {
  const names = Object.keys(CALLERS) as CallerName[];
  const text = (path: string, name: CallerName) => {
    const cell = cells.get(`${path} ${name}`);
    if (!cell) return "·";
    if (!cell.ok) return `✗ ${cell.outcome} (want ${cell.want})`;
    return cell.pinned ? `${cell.outcome}*` : cell.outcome;
  };
  const rows = [["procedure", ...names], ...paths.map((path) => [path, ...names.map((name) => text(path, name))])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map((row) => row.map((value, column) => value.padEnd(widths[column]!)).join(" | "));
  return [...table, "(· not called, * a known deviation pinned in KNOWN_DEVIATIONS)"].join("\n");
}
