// The fee points service: a TCC participant with its own database, reached over HTTP. Tests call
// createPointsService in-process; main.ts calls it from the environment.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { PointsFaults, PointsFaultsPatch } from "@meridian/core/points";
import type { Logger } from "pino";
import { describeDatabaseUrl, openDatabase } from "./database";
import { FaultSwitches, type Random } from "./faults";
import { checkInvariants, type InvariantViolation } from "./invariants";
import { createRoutes } from "./routes";
import { seedDemoPoints } from "./seed";
import { startSweeping, sweepOnce, type SweepResult } from "./sweep";

export interface PointsServiceOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  hostname?: string;
  /** The service's own PostgreSQL; unset starts an embedded PGlite in this process. */
  databaseUrl?: string;
  /** Where the embedded database keeps its files; unset keeps it in memory. */
  dataDir?: string;
  /** The bearer both ways: callers present it, and the sweep presents it to the coordinator. */
  secret: string;
  /** Where the coordinator answers `POST /tcc/outcome` (Meridian's receiver). */
  coordinatorUrl: string;
  sweepAfterMs: number;
  sweepEveryMs: number;
  demoSeed: boolean;
  logger: Logger;
  /** Default true; tests pass false and call sweepOnce. */
  sweep?: boolean;
  /** For the fault rates; default Math.random. */
  random?: Random;
}

export interface PointsService {
  url: string;
  port: number;
  faults: {
    readonly current: Readonly<PointsFaults>;
    update(patch: PointsFaultsPatch): Readonly<PointsFaults>;
    reset(): Readonly<PointsFaults>;
  };
  sweepOnce(): Promise<SweepResult>;
  invariants(): Promise<InvariantViolation[]>;
  databaseUrl: string;
  close(): Promise<void>;
}

export async function createPointsService(options: PointsServiceOptions): Promise<PointsService> {
  const { logger } = options;
  const hostname = options.hostname ?? "127.0.0.1";
  const database = await openDatabase(options);
  const { pool } = database;
  pool.on("error", (error) => logger.error({ err: error }, "idle database connection failed"));
  const closing = new AbortController();
  const faults = new FaultSwitches();
  const random = options.random ?? Math.random;
  const app = createRoutes({ pool, secret: options.secret, faults, random, closing: closing.signal, logger });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  try {
    if (options.demoSeed) await seedDemoPoints(pool, logger);
    await listen(server, options.port, hostname);
  } catch (error) {
    await database.close();
    throw error;
  }

  const sweepDeps = { ...options, pool, closing: closing.signal };
  const stopSweeping = options.sweep === false ? async () => {} : startSweeping(sweepDeps);
  const { port } = server.address() as AddressInfo;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  logger.info(
    {
      url,
      database: describeDatabaseUrl(database.url),
      embedded: database.embedded,
      coordinatorUrl: options.coordinatorUrl,
    },
    "points service listening",
  );

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      // Held requests and latency waits end first, so no handler starts work on a pool that is going away.
      closing.abort();
      await stopSweeping();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await database.close();
    })());

  return {
    url,
    port,
    faults,
    sweepOnce: () => sweepOnce(sweepDeps),
    invariants: () => checkInvariants(pool),
    databaseUrl: database.url,
    close,
  };
}

function listen(server: Server, port: number, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export type { InvariantViolation, InvariantCode } from "./invariants";
export type { SweepResult } from "./sweep";
