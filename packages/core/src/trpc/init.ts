import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { DomainError } from "../shared/errors";
import type { TrpcContext } from "./context";

const t = initTRPC.context<TrpcContext>().create({
  // Subscriptions (server-sent events): a ping keeps idle streams open through proxies, and a client that hears
  // nothing, not even a ping, for the inactivity time reconnects.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const zodError = cause instanceof ZodError ? z.flattenError(cause) : null;
    const field = cause instanceof DomainError && cause.field ? cause.field : null;
    return { ...shape, data: { ...shape.data, zodError, field, stack: undefined } };
  },
});

/**
 * Domain errors become TRPCErrors with the same category; anything else is an internal error whose detail is logged,
 * not shown.
 */
const domainErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      result.error = new TRPCError({ code: cause.code, message: cause.message, cause });
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
