// Starts the simulated partners — the brokers (atlas, harbor) and the FX desk (/fxdesk) — behind one HTTP server. Tests call createBrokerServer
// in-process; main.ts calls it from the environment.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { pino, type Logger } from "pino";
import { BROKER_DEFINITIONS } from "./brokers";
import { SimulatedFxDesk } from "./fxDesk";
import type { Random } from "./random";
import { createRoutes } from "./routes";
import { SimulatedBroker } from "./simulatedBroker";

export interface BrokerServerOptions {
  /** 0 picks a free port. Default 4100. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
  /** Where executions are POSTed: `${receiverUrl}/brokers/${brokerId}/executions`. */
  receiverUrl: string;
  /** Webhook signing secret per broker id; every broker needs one. */
  secrets: Record<string, string>;
  /** Random delay before each execution, [min, max] ms. Default [150, 600] (BROKER_FILL_DELAY_MS). */
  fillDelayMs?: [number, number];
  /** Quote random-walk period. Default 1000 ms. */
  quoteTickMs?: number;
  /** The FX desk: how long its quotes hold (default 30 s) and its rate walk's randomness (seedable). */
  fxDesk?: { quoteTtlMs?: number; random?: Random };
  /** Default: info level (main.ts passes one at the configured LOG_LEVEL). */
  logger?: Logger;
}

export interface BrokerServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function createBrokerServer(options: BrokerServerOptions): Promise<BrokerServer> {
  const logger = options.logger ?? pino({ name: "broker", level: "info" });
  const fillDelayMs = options.fillDelayMs ?? [150, 600];
  const quoteTickMs = options.quoteTickMs ?? 1000;
  const hostname = options.hostname ?? "127.0.0.1";
  if (!(fillDelayMs[0] >= 0 && fillDelayMs[1] >= fillDelayMs[0]))
    throw new Error(`fillDelayMs must be [min, max] with 0 <= min <= max`);
  if (!(quoteTickMs > 0)) throw new Error(`quoteTickMs must be positive`);

  const brokers = new Map<string, SimulatedBroker>();
  for (const definition of BROKER_DEFINITIONS) {
    const secret = options.secrets[definition.brokerId];
    if (!secret) throw new Error(`no webhook secret for broker "${definition.brokerId}"`);
    brokers.set(
      definition.brokerId,
      new SimulatedBroker({ definition, secret, receiverUrl: options.receiverUrl, fillDelayMs, quoteTickMs, logger }),
    );
  }

  const fxDesk = new SimulatedFxDesk({ ...options.fxDesk, logger });
  const app = createRoutes(brokers, logger, fxDesk);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4100, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  for (const broker of brokers.values()) broker.start();
  // The desk's rate walks on the brokers' quote tick.
  const fxTicker = setInterval(() => fxDesk.tick(), quoteTickMs);

  const { port } = server.address() as AddressInfo;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  logger.info(
    { url, brokers: [...brokers.keys()], fxDesk: `${url}/fxdesk`, receiverUrl: options.receiverUrl },
    "broker simulator listening",
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      for (const broker of brokers.values()) broker.stop();
      clearInterval(fxTicker);
      server.close((error) => (error ? reject(error) : resolve()));
      // Also ends responses held by the drop fault and idle keep-alive connections.
      server.closeAllConnections();
    }));

  return { url, port, close };
}

export { BROKER_DEFINITIONS } from "./brokers";
export { LISTINGS } from "./quotes";
export type { Faults } from "./faults";
export type { BrokerStats } from "./stats";
export { FX_MID_START, type SimulatedFxDeskOptions } from "./fxDesk";
