// Procedures are middleware chains that narrow ctx. Authorization runs before any business state is read.
import { TRPCError } from "@trpc/server";
import { withStepUp } from "../audit/audit";
import { actorOf, isSessionLive } from "../auth/sessions";
import { isSteppedUp } from "../auth/stepUp";
import { baseProcedure } from "./init";
import { SessionEnded, sessionEndedMessage, STEP_UP_MESSAGE, StepUpRequired } from "./sessionErrors";
import type { TrpcContext } from "./context";

export const publicProcedure = baseProcedure;

/** A stream outlives the request that opened it: its session is checked again this often while it delivers. */
const STREAM_SESSION_CHECK_MS = 10_000;

function signedOut(ctx: TrpcContext): TRPCError {
  const { ended } = ctx.session;
  return new TRPCError({
    code: "UNAUTHORIZED",
    message: sessionEndedMessage(ended, ctx.services.config.auth.sessions.absoluteMs),
    cause: ended ? new SessionEnded(ended) : undefined,
  });
}

/**
 * Ends a subscription's stream once its session is no longer live (signed out, revoked, idle, expired): checked before
 * delivering a change, at most every STREAM_SESSION_CHECK_MS, so a revoked session stops receiving within seconds.
 */
async function* whileSessionLive<T>(stream: AsyncIterable<T>, ctx: TrpcContext, sessionId: string) {
  let checkedAt = Date.now();
  for await (const item of stream) {
    if (Date.now() - checkedAt >= STREAM_SESSION_CHECK_MS) {
      if (!(await isSessionLive(ctx.services.prisma, sessionId, ctx.services.config.auth.sessions)))
        throw new TRPCError({ code: "UNAUTHORIZED", message: sessionEndedMessage(undefined, 0) });
      checkedAt = Date.now();
    }
    yield item;
  }
}

export const authedProcedure = baseProcedure.use(async ({ ctx, type, next }) => {
  const user = ctx.session.user;
  if (!user) throw signedOut(ctx);
  const result = await next({ ctx: { user } });
  const sessionId = ctx.session.id;
  if (type === "subscription" && result.ok && sessionId && isAsyncIterable(result.data))
    return { ...result, data: whileSessionLive(result.data, ctx, sessionId) };
  return result;
});

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** A signed-in customer and the account they act on (`ctx.account`). */
export const customerProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.user.role !== "CUSTOMER")
    throw new TRPCError({ code: "FORBIDDEN", message: "Trading is for customer accounts. Sign in as a customer." });
  const account = await ctx.services.prisma.account.findFirst({
    where: { userId: ctx.user.userId },
    select: { id: true, accountNo: true },
    orderBy: { createdAt: "asc" },
  });
  if (!account)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "No brokerage account is open for this login yet. Contact support to open one.",
    });
  return next({ ctx: { account, actor: actorOf(ctx.user) } });
});

export const operatorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "OPERATOR")
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "This console is for operators. Sign in with an operator account.",
    });
  return next({ ctx: { actor: actorOf(ctx.user) } });
});

/**
 * An operator action that moves money or changes the system: the operator must have confirmed their password in this
 * session within SESSION_STEP_UP_MS (auth.stepUp). Without it the call is refused before anything is read, with
 * `data.stepUpRequired` so the console asks for the password and repeats the call. The audit rows the action writes
 * carry `steppedUpAt`.
 */
export const stepUpProcedure = operatorProcedure.use(({ ctx, next }) => {
  const steppedUpAt = ctx.session.steppedUpAt;
  if (!isSteppedUp(steppedUpAt, ctx.services.config.auth.sessions.stepUpMs))
    throw new TRPCError({ code: "FORBIDDEN", message: STEP_UP_MESSAGE, cause: new StepUpRequired() });
  return withStepUp(steppedUpAt, () => next({ ctx: { steppedUpAt } }));
});
