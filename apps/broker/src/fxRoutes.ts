// The FX desk's HTTP API under /fxdesk. Control routes (faults, reset, stats, rate pins) are the operator's and the
// tests' levers, shaped as a broker's and never subject to faults; partner routes meet the desk's fault switches and
// capacity first, with the brokers' semantics: down and errorRate answer 503 before anything is done, latency delays,
// and a dropped response is one the desk processed (the conversion stands) but never answered.
import { ZBrokerFaultsPatch } from "@meridian/core/broker";
import {
  Decimal,
  ZFxConversionRequest,
  ZFxReverseRequest,
  type FxErrorBody,
  type FxRefusalCode,
} from "@meridian/core/fxdesk";
import { sleep } from "@meridian/core/sleep";
import { Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { z } from "zod";
import { FxRefusal, type SimulatedFxDesk } from "./fxDesk";
import { describeIssues, jsonError, withholdResponse, type AppContext, type AppEnv } from "./http";
import { chance, randomInt } from "./random";

const ZPin = z.object({ mid: z.string().regex(/^\d{1,7}(\.\d{1,2})?$/, "must be a rate, e.g. 1380.00") });

function refuse(c: AppContext, status: ContentfulStatusCode, code: FxRefusalCode, message: string): Response {
  return c.json({ error: code, message } satisfies FxErrorBody, status);
}

/** The body read with `schema`; a 400 INVALID refusal when it is not JSON or does not fit. */
async function readBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S> | Response> {
  const body: unknown = await c.req.json().catch(() => undefined);
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    return refuse(c, 400, "INVALID", body === undefined ? "body is not JSON" : describeIssues(parsed.error));
  return parsed.data;
}

export function createFxRoutes(desk: SimulatedFxDesk, logger: Logger): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.onError((error, c) => {
    if (error instanceof FxRefusal) return refuse(c, error.status, error.code, error.message);
    logger.error({ err: error, path: c.req.path }, "unhandled error");
    return jsonError(c, 500, "INTERNAL", "internal error");
  });

  // ---- control routes -------------------------------------------------------------------------------------------
  app.get("/faults", (c) => c.json(desk.faults.current));

  app.put("/faults", async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) return jsonError(c, 400, "INVALID_FAULTS", "body is not valid JSON");
    const patch = ZBrokerFaultsPatch.safeParse(body);
    if (!patch.success) return jsonError(c, 400, "INVALID_FAULTS", describeIssues(patch.error));
    const faults = desk.faults.update(patch.data);
    logger.warn({ partnerId: desk.partnerId, faults }, "faults changed");
    return c.json(faults);
  });

  app.post("/reset", (c) => c.json(desk.reset()));

  app.get("/stats", (c) => c.json({ ...desk.stats(), ...desk.capacity.stats() }));

  app.post("/rate", async (c) => {
    const parsed = ZPin.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return jsonError(c, 400, "INVALID_REQUEST", describeIssues(parsed.error));
    desk.pin(new Decimal(parsed.data.mid));
    return c.json(desk.rate());
  });

  app.delete("/rate", (c) => {
    desk.unpin();
    return c.json(desk.rate());
  });

  // ---- partner routes -------------------------------------------------------------------------------------------
  // Every partner call counts against the desk's capacity, as a broker's order calls do; the rate does not (it is
  // market data, as a broker's quotes are).
  const partner =
    (options: { mayDropResponse: boolean; counted: boolean }): MiddlewareHandler<AppEnv> =>
    async (c, next) => {
      const faults = desk.faults.current;
      if (faults.down) return jsonError(c, 503, "DOWN", "the FX desk is down (fault injection)");
      const admission = options.counted ? desk.capacity.admit(faults) : null;
      if (admission?.outcome === "SHED")
        return jsonError(c, 503, "OVER_CAPACITY", `the FX desk is over capacity (load ${admission.load.toFixed(2)}×)`);
      try {
        const jitter = faults.latencyJitterMs > 0 ? randomInt(Math.random, 0, faults.latencyJitterMs) : 0;
        const latency = faults.latencyMs + jitter + (admission?.delayMs ?? 0);
        if (latency > 0) await sleep(latency);
        if (chance(Math.random, faults.errorRate))
          return jsonError(c, 503, "UNAVAILABLE", "the FX desk is unavailable (fault injection)");
        await next();
      } finally {
        admission?.release();
      }
      if (options.mayDropResponse && chance(Math.random, desk.faults.current.dropResponseRate)) {
        logger.warn({ partnerId: desk.partnerId, path: c.req.path }, "dropping the response (fault injection)");
        await withholdResponse(c);
      }
    };

  app.get("/rate", partner({ mayDropResponse: false, counted: false }), (c) => c.json(desk.rate()));

  app.post("/quotes", partner({ mayDropResponse: true, counted: true }), (c) => c.json(desk.quote()));

  app.get("/quotes/:quoteId", partner({ mayDropResponse: false, counted: true }), (c) => {
    const quote = desk.findQuote(c.req.param("quoteId"));
    return quote ? c.json(quote) : refuse(c, 404, "QUOTE_UNKNOWN", `no quote ${c.req.param("quoteId")}`);
  });

  app.post("/conversions", partner({ mayDropResponse: true, counted: true }), async (c) => {
    const request = await readBody(c, ZFxConversionRequest);
    if (request instanceof Response) return request;
    return c.json(desk.convert(request, () => chance(Math.random, desk.faults.current.rejectRate)));
  });

  app.get("/conversions/:clientKey", partner({ mayDropResponse: false, counted: true }), (c) => {
    const conversion = desk.lookup(c.req.param("clientKey"));
    return conversion ? c.json(conversion) : refuse(c, 404, "NOT_FOUND", "no conversion with this clientKey");
  });

  app.post("/conversions/:clientKey/reverse", partner({ mayDropResponse: true, counted: true }), async (c) => {
    const body = await readBody(c, ZFxReverseRequest);
    if (body instanceof Response) return body;
    return c.json(desk.reverse(c.req.param("clientKey"), body.reversalKey));
  });

  app.get("/report", partner({ mayDropResponse: false, counted: true }), (c) => {
    const sinceText = c.req.query("since");
    const since = sinceText === undefined ? undefined : new Date(sinceText);
    if (since && Number.isNaN(since.getTime()))
      return refuse(c, 400, "INVALID", "since: must be an ISO-8601 date-time");
    return c.json(desk.report(since));
  });

  return app;
}
