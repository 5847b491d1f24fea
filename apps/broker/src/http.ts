// Small HTTP helpers shared by the routes: JSON errors, body parsing, and the "never answer" of a dropped response.
import type { HttpBindings } from "@hono/node-server";
import type { BrokerErrorBody } from "@meridian/core/broker";
import { sleep } from "@meridian/core/sleep";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { SimulatedBroker } from "./simulatedBroker";

export type AppEnv = { Bindings: HttpBindings; Variables: { broker: SimulatedBroker } };
export type AppContext = Context<AppEnv>;

/** A dropped response is held at most this long before the socket is destroyed, even if the client waits forever. */
const DROP_HOLD_MAX_MS = 120_000;

export function jsonError(c: Context, status: ContentfulStatusCode, code: string, error: string): Response {
  return c.json({ error, code } satisfies BrokerErrorBody, status);
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}

/** Parses the body with `schema`; a Response (400) when the body is not JSON or does not fit. */
export async function parseBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S> | Response> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return jsonError(c, 400, "INVALID_REQUEST", "body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return jsonError(c, 400, "INVALID_REQUEST", describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Never answers: waits until the client gives up and closes the connection (or DROP_HOLD_MAX_MS passes), then
 * destroys the socket so no response is ever written. What a partner whose reply is lost in the network looks like.
 */
export async function withholdResponse(c: AppContext): Promise<void> {
  const incoming = c.env?.incoming;
  if (!incoming) return sleep(DROP_HOLD_MAX_MS);
  const socket = incoming.socket;
  await new Promise<void>((resolve) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => socket.destroy(), DROP_HOLD_MAX_MS);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  c.env.outgoing.destroy();
}
