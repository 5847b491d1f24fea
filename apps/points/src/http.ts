// HTTP helpers shared by the routes: error bodies, body and parameter parsing, the bearer check, and the "never
// answer" of the drop faults.
import type { HttpBindings } from "@hono/node-server";
import { POINTS_AUTH_HEADER, presentsBearer, type PointsRefusalCode } from "@meridian/core/points";
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { PointsRefusal } from "./refusal";

export type AppEnv = { Bindings: HttpBindings };
export type AppContext = Context<AppEnv>;

/** A withheld answer's connection is closed after this long even if the client waits forever. */
const WITHHOLD_MAX_MS = 120_000;

/** 5xx codes are not refusals: the caller cannot know what happened and must ask again. */
export type UnknownOutcomeCode = "UNAVAILABLE" | "INTERNAL";

export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  code: PointsRefusalCode | UnknownOutcomeCode,
  message: string,
): Response {
  return c.json({ code, message }, status);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}

/** Parses `value` with `schema`, or throws BAD_REQUEST naming every field that does not fit. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PointsRefusal("BAD_REQUEST", `${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export async function parseBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new PointsRefusal("BAD_REQUEST", "the body is not valid JSON: send a JSON object");
  }
  return parseOrRefuse(schema, body, "the body does not fit");
}

export function requireBearer(secret: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!presentsBearer(c.req.header(POINTS_AUTH_HEADER), secret)) {
      return jsonError(c, 401, "UNAUTHORIZED", "send Authorization: Bearer <POINTS_SERVICE_SECRET>");
    }
    await next();
  };
}

/**
 * Never answers: waits until the client gives up and closes the connection (or the service closes, or
 * WITHHOLD_MAX_MS passes), then destroys the socket so no answer is ever written.
 */
export async function withholdAnswer(c: AppContext, closing: AbortSignal): Promise<void> {
  const socket = c.env.incoming.socket;
  await new Promise<void>((resolve) => {
    if (socket.destroyed || closing.aborted) return resolve();
    const timer = setTimeout(resolve, WITHHOLD_MAX_MS);
    const done = () => {
      clearTimeout(timer);
      closing.removeEventListener("abort", done);
      resolve();
    };
    socket.once("close", done);
    closing.addEventListener("abort", done);
  });
  socket.destroy();
}
