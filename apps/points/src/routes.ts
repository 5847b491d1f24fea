// The service's HTTP API (README.md). Routes only parse and dispatch; the rules live in tcc.ts and credits.ts. Every
// route but /health checks the bearer before it reads anything; only the three TCC routes are subject to faults.
import {
  ZPointsCancelRequest,
  ZPointsConfirmRequest,
  ZPointsCreditRequest,
  ZPointsFaultsPatch,
  ZPointsTryRequest,
  ZPointsBalance,
} from "@meridian/core/points";
import { Hono, type MiddlewareHandler } from "hono";
import type pg from "pg";
import type { Logger } from "pino";
import { z } from "zod";
import { readBalance } from "./accounts";
import { credit } from "./credits";
import { chance, type FaultSwitches, type Random } from "./faults";
import { jsonError, parseBody, parseOrRefuse, requireBearer, withholdAnswer, type AppEnv } from "./http";
import { checkInvariants } from "./invariants";
import { PointsRefusal } from "./refusal";
import { findReservation, reservationsSince } from "./reports";
import { cancel, confirm, tryReserve } from "./tcc";

export interface RouteDeps {
  pool: pg.Pool;
  secret: string;
  faults: FaultSwitches;
  random: Random;
  /** Aborted when the service closes: held requests and latency waits end then. */
  closing: AbortSignal;
  logger: Logger;
}

const ZAccountParam = z.object({ accountNo: ZPointsBalance.shape.accountNo });
const ZReportQuery = z.object({
  since: z.iso.datetime({ offset: true, error: "add ?since=<ISO instant>, e.g. ?since=2026-01-01T00:00:00Z" }),
});

export function createRoutes(deps: RouteDeps): Hono<AppEnv> {
  const { pool, logger } = deps;
  const app = new Hono<AppEnv>();

  app.notFound((c) => jsonError(c, 404, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof PointsRefusal) return jsonError(c, error.status, error.code, error.message);
    logger.error({ err: error, path: c.req.path }, "unhandled error");
    return jsonError(c, 500, "INTERNAL", "internal error: the outcome is unknown, ask again");
  });

  app.get("/health", (c) => c.json({ ok: true }));
  app.use("*", requireBearer(deps.secret));

  const faulty = tccFaults(deps);
  app.post("/tcc/try", faulty, async (c) => c.json(await tryReserve(pool, await parseBody(c, ZPointsTryRequest))));
  app.post("/tcc/confirm", faulty, async (c) => c.json(await confirm(pool, await parseBody(c, ZPointsConfirmRequest))));
  app.post("/tcc/cancel", faulty, async (c) => c.json(await cancel(pool, await parseBody(c, ZPointsCancelRequest))));

  app.get("/accounts/:accountNo", async (c) => {
    const { accountNo } = parseOrRefuse(ZAccountParam, c.req.param(), "the account number does not fit");
    return c.json(await readBalance(pool, accountNo));
  });
  app.post("/accounts/:accountNo/credits", async (c) => {
    const { accountNo } = parseOrRefuse(ZAccountParam, c.req.param(), "the account number does not fit");
    return c.json(await credit(pool, accountNo, await parseBody(c, ZPointsCreditRequest)));
  });

  app.get("/reservations", async (c) => {
    const { since } = parseOrRefuse(ZReportQuery, c.req.query(), "the query does not fit");
    return c.json({ reservations: await reservationsSince(pool, new Date(since)) });
  });
  app.get("/reservations/:transactionId/:branchId", async (c) => {
    const key = parseOrRefuse(ZPointsCancelRequest, c.req.param(), "the reservation's key does not fit");
    const reservation = await findReservation(pool, key);
    if (!reservation) {
      throw new PointsRefusal(
        "NOT_FOUND",
        `no reservation for transaction ${key.transactionId} branch ${key.branchId}`,
      );
    }
    return c.json(reservation);
  });

  app.get("/invariants", async (c) => c.json({ violations: await checkInvariants(pool) }));

  app.get("/faults", (c) => c.json(deps.faults.current));
  app.put("/faults", async (c) => {
    const faults = deps.faults.update(await parseBody(c, ZPointsFaultsPatch));
    logger.warn({ faults }, "faults changed");
    return c.json(faults);
  });
  app.post("/faults/reset", (c) => c.json(deps.faults.reset()));

  return app;
}

/** The fault switches in front of Try, Confirm and Cancel. */
function tccFaults({ faults: switches, random, closing, logger }: RouteDeps): MiddlewareHandler<AppEnv> {
  const unavailable = (why: string) => `the points service is ${why} (fault injection): the outcome is unknown, retry`;
  return async (c, next) => {
    const faults = switches.current;
    if (faults.down) return jsonError(c, 503, "UNAVAILABLE", unavailable("down"));
    if (chance(random, faults.dropRequestRate)) {
      logger.warn({ path: c.req.path }, "dropping the request unprocessed (fault injection)");
      await withholdAnswer(c, closing);
      return jsonError(c, 503, "UNAVAILABLE", unavailable("dropping requests")); // written to no one
    }
    if (faults.latencyMs > 0 && !(await pause(faults.latencyMs, closing))) {
      return jsonError(c, 503, "UNAVAILABLE", "the points service is closing: retry");
    }
    if (chance(random, faults.errorRate)) return jsonError(c, 503, "UNAVAILABLE", unavailable("failing"));
    await next();
    if (chance(random, switches.current.dropResponseRate)) {
      logger.warn(
        { path: c.req.path, status: c.res.status },
        "dropping the answer of a processed request (fault injection)",
      );
      await withholdAnswer(c, closing);
    }
  };
}

/** Waits `ms`; false when the service began closing meanwhile (the request is then not processed). */
function pause(ms: number, closing: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (closing.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      closing.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    closing.addEventListener("abort", onAbort, { once: true });
  });
}
