// The wire API (see README.md). Control routes (faults, reset, stats, price pins) are the operator's and the tests'
// levers and are never subject to faults; partner routes go through the fault middleware first.
import { Hono, type MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { ORDER_NOT_FOUND, ZBrokerFaultsPatch, ZBrokerOrderRequest } from "@meridian/core/broker";
import { sleep } from "@meridian/core/sleep";
import { z } from "zod";
import type { Admission } from "./capacity";
import { describeIssues, jsonError, parseBody, withholdResponse, type AppEnv } from "./http";
import { parseCents } from "./money";
import { chance, randomInt } from "./random";
import type { SimulatedBroker } from "./simulatedBroker";
import { createFxRoutes } from "./fxRoutes";
import type { SimulatedFxDesk } from "./fxDesk";

const ZPin = z.object({ last: z.string() });

/** What a call outside the capacity model is: always admitted, never delayed. */
const UNBOUNDED: Admission = { outcome: "ADMITTED", load: 0, delayMs: 0, release: () => {} };

export function createRoutes(
  brokers: ReadonlyMap<string, SimulatedBroker>,
  logger: Logger,
  fxDesk?: SimulatedFxDesk,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.notFound((c) => jsonError(c, 404, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    logger.error({ err: error, path: c.req.path }, "unhandled error");
    return jsonError(c, 500, "INTERNAL", "internal error");
  });

  app.get("/health", (c) => c.json({ ok: true }));

  // The FX desk shares the process and the port, not its state or its switches (fxRoutes.ts).
  if (fxDesk) app.route("/fxdesk", createFxRoutes(fxDesk, logger));

  app.use("/brokers/:brokerId/*", async (c, next) => {
    const brokerId = c.req.param("brokerId");
    const broker = brokerId === undefined ? undefined : brokers.get(brokerId);
    if (!broker)
      return jsonError(
        c,
        404,
        "UNKNOWN_BROKER",
        `unknown broker "${brokerId}" (known: ${[...brokers.keys()].join(", ")})`,
      );
    c.set("broker", broker);
    await next();
  });

  // ---- control routes -------------------------------------------------------------------------------------------
  app.get("/brokers/:brokerId/faults", (c) => c.json(c.var.broker.faults.current));

  app.put("/brokers/:brokerId/faults", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return jsonError(c, 400, "INVALID_FAULTS", "body is not valid JSON");
    }
    const patch = ZBrokerFaultsPatch.safeParse(body);
    if (!patch.success) return jsonError(c, 400, "INVALID_FAULTS", describeIssues(patch.error));
    const faults = c.var.broker.faults.update(patch.data);
    logger.warn({ brokerId: c.var.broker.brokerId, faults }, "faults changed");
    return c.json(faults);
  });

  app.post("/brokers/:brokerId/reset", (c) => {
    const faults = c.var.broker.reset();
    logger.info({ brokerId: c.var.broker.brokerId }, "faults and load measurements cleared");
    return c.json(faults);
  });

  app.get("/brokers/:brokerId/stats", (c) => c.json(c.var.broker.stats));

  app.post("/brokers/:brokerId/quotes/:symbol", async (c) => {
    const { broker } = c.var;
    const symbol = c.req.param("symbol");
    if (!broker.quotes.has(symbol)) return jsonError(c, 404, "UNKNOWN_SYMBOL", `unknown symbol ${symbol}`);
    const body = await parseBody(c, ZPin);
    if (body instanceof Response) return body;
    const lastCents = parseCents(body.last);
    if (lastCents === null || lastCents <= 0)
      return jsonError(c, 400, "INVALID_REQUEST", "last: must be a positive price with at most 2 decimals");
    broker.pinPrice(symbol, lastCents);
    return c.json(broker.quotes.quote(symbol));
  });

  app.delete("/brokers/:brokerId/quotes/:symbol", (c) => {
    const { broker } = c.var;
    const symbol = c.req.param("symbol");
    if (!broker.quotes.has(symbol)) return jsonError(c, 404, "UNKNOWN_SYMBOL", `unknown symbol ${symbol}`);
    broker.unpinPrice(symbol);
    return c.json(broker.quotes.quote(symbol));
  });

  // ---- partner routes -------------------------------------------------------------------------------------------
  // Order calls are bounded by the broker's capacity (capacity.ts); quotes are not, as a partner's market data
  // usually comes from elsewhere than its order gateway.
  const partner =
    (options: { mayDropResponse: boolean; ordersCall: boolean }): MiddlewareHandler<AppEnv> =>
    async (c, next) => {
      const { broker } = c.var;
      const faults = broker.faults.current;
      if (faults.down) return jsonError(c, 503, "DOWN", `broker ${broker.brokerId} is down (fault injection)`);
      const admission = options.ordersCall ? broker.capacity.admit(faults) : UNBOUNDED;
      if (admission.outcome === "SHED") {
        const load = admission.load.toFixed(2);
        return jsonError(c, 503, "OVER_CAPACITY", `broker ${broker.brokerId} is over capacity (load ${load}×)`);
      }
      try {
        const jitter = faults.latencyJitterMs > 0 ? randomInt(Math.random, 0, faults.latencyJitterMs) : 0;
        const latency = faults.latencyMs + jitter + admission.delayMs;
        if (latency > 0) await sleep(latency);
        if (chance(Math.random, faults.errorRate)) {
          return jsonError(c, 503, "UNAVAILABLE", `broker ${broker.brokerId} is unavailable (fault injection)`);
        }
        await next();
      } finally {
        // A dropped response's held connection is not work: the call is out of flight once it is processed.
        admission.release();
      }
      if (options.mayDropResponse && chance(Math.random, broker.faults.current.dropResponseRate)) {
        logger.warn({ brokerId: broker.brokerId, path: c.req.path }, "dropping the response (fault injection)");
        await withholdResponse(c);
        logger.debug({ brokerId: broker.brokerId, path: c.req.path }, "connection of a dropped response closed");
      }
    };

  app.get("/brokers/:brokerId/quotes", partner({ mayDropResponse: false, ordersCall: false }), (c) =>
    c.json(c.var.broker.quotes.all()),
  );

  app.post("/brokers/:brokerId/orders", partner({ mayDropResponse: true, ordersCall: true }), async (c) => {
    const body = await parseBody(c, ZBrokerOrderRequest);
    if (body instanceof Response) return body;
    return c.json(c.var.broker.submit(body));
  });

  app.post(
    "/brokers/:brokerId/orders/:clientOrderId/cancel",
    partner({ mayDropResponse: true, ordersCall: true }),
    (c) => c.json(c.var.broker.cancel(c.req.param("clientOrderId"))),
  );

  app.get("/brokers/:brokerId/orders", partner({ mayDropResponse: false, ordersCall: true }), (c) => {
    const sinceText = c.req.query("since");
    const since = sinceText === undefined ? undefined : new Date(sinceText);
    if (since && Number.isNaN(since.getTime()))
      return jsonError(c, 400, "INVALID_REQUEST", "since: must be an ISO-8601 date-time");
    return c.json(c.var.broker.report(since));
  });

  app.get("/brokers/:brokerId/orders/:clientOrderId", partner({ mayDropResponse: false, ordersCall: true }), (c) => {
    const { broker } = c.var;
    if (!broker.capabilities.lookupByClientOrderId) {
      return jsonError(
        c,
        501,
        "NOT_SUPPORTED",
        `broker ${broker.brokerId} does not support looking an order up by client order id`,
      );
    }
    const view = broker.lookup(c.req.param("clientOrderId"));
    return view ? c.json(view) : jsonError(c, 404, ORDER_NOT_FOUND, "no order with this clientOrderId");
  });

  return app;
}
