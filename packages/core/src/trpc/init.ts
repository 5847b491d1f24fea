import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { isDependencyFailure, unavailableMessageOf } from "../shared/dependencies";
import { DomainError } from "../shared/errors";
import type { TrpcContext } from "./context";
import { SessionEnded, StepUpRequired } from "./sessionErrors";

const t = initTRPC.context<TrpcContext>().create({
  // Subscriptions (server-sent events): a ping keeps idle streams open through proxies, and a client that hears
  // nothing, not even a ping, for the inactivity time reconnects.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const zodError = cause instanceof ZodError ? z.flattenError(cause) : null;
    const field = cause instanceof DomainError && cause.field ? cause.field : null;
    // The net under the middleware below, for a failure it never saw (one thrown while the context was built, or by a
    // subscription's stream): a dependency that is down is still a 503 the customer may retry, with no internals shown.
    const unavailable = error.code === "INTERNAL_SERVER_ERROR" && isDependencyFailure(cause);
    const code = unavailable ? "SERVICE_UNAVAILABLE" : shape.data.code;
    return {
      ...shape,
      ...(unavailable ? { message: unavailableMessageOf(cause) } : {}),
      data: {
        ...shape.data,
        ...(unavailable ? { code, httpStatus: 503 } : {}),
        zodError,
        field,
        /** The same request, repeated in a few seconds, is expected to work: the UI offers "Try again". */
        retryable: code === "SERVICE_UNAVAILABLE",
        /** An operator action refused for want of a recent password confirmation: the console asks and repeats it. */
        stepUpRequired: cause instanceof StepUpRequired,
        /** Why the session ended ("idle", "expired", "revoked"), so the sign-in page can say so. */
        sessionEnded: cause instanceof SessionEnded ? cause.reason : null,
        stack: undefined,
      },
    };
  },
});

/**
 * Domain errors become TRPCErrors with the same category; a dependency that is down or not answering (the database,
 * Redis, Kafka: shared/dependencies.ts) becomes SERVICE_UNAVAILABLE, HTTP 503, with a message that says to try again;
 * anything else is an internal error whose detail is logged, not shown.
 */
const domainErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      result.error = new TRPCError({ code: cause.code, message: cause.message, cause });
    } else if (result.error.code === "INTERNAL_SERVER_ERROR" && isDependencyFailure(cause)) {
      ctx.services.logger.warn({ path, err: cause }, "procedure failed: a dependency is not answering");
      result.error = new TRPCError({ code: "SERVICE_UNAVAILABLE", message: unavailableMessageOf(cause), cause });
    } else if (result.error.code === "INTERNAL_SERVER_ERROR") {
      ctx.services.logger.error({ path, err: result.error.cause ?? result.error }, "procedure failed");
      result.error = new TRPCError({
        code: "INTERNAL_SERVER_ERROR",
        message: "Something went wrong on our side. Try again; if it keeps happening, contact support.",
      });
    }
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const baseProcedure = t.procedure.use(domainErrors);
export const middleware = t.middleware;
