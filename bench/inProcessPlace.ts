// placeOrder called in the benchmark's own process, the way bench/placeOrder.ts calls it: the production path (Redis
// account lock, one PostgreSQL transaction) without HTTP, Next.js, tRPC or the session in front of it. bench/httpPlace.ts
// runs it beside the HTTP figure so the cost of the customer's door is read off one run on one machine.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import {
  EntryCircuit,
  FlowControl,
  OrderFeed,
  placeOrder,
  QuoteService,
  RedisAccountLock,
  loadConfig,
  ZPlaceOrderInput,
  type AccountRef,
  type CoreServices,
} from "@meridian/core";
import { createBrokerRegistry, SimulatorControl } from "@meridian/core/broker";
import { HttpFxDesk } from "@meridian/core/fxdesk";
import { HttpPointsService } from "@meridian/core/points";
import type { PrismaClient } from "@meridian/db";
import { Redis } from "ioredis";

export interface CellResult {
  orders: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** The limit buy every placeOrder benchmark sends: it rests at the broker's door, so no broker is called. */
export const LIMIT_BUY = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100.00" } as const;

/** The same services as bench/placeOrder.ts: Redis lock (30 s wait, 2 ms retry), brokers at an unused port. */
export function inProcessServices(prisma: PrismaClient, redisUrl: string): CoreServices {
  const config = loadConfig(process.env);
  const brokers = createBrokerRegistry({ ...config.brokers, url: "http://127.0.0.1:9" }); // limit orders never call it
  const quotes = new QuoteService(brokers);
  // Limit orders never call a broker: flow control is here because the services hold it.
  const flow = new FlowControl({
    prisma,
    redis: null,
    settings: config.brokers.flow,
    logger: pino({ level: "silent" }),
    callTimeoutMs: config.brokers.timeoutMs,
  });
  return {
    prisma,
    lock: new RedisAccountLock(
      new Redis(redisUrl),
      { leaseMs: 30_000, waitMs: 30_000, retryMs: 2 },
      `bench-${Date.now()}`,
    ),
    brokers,
    quotes,
    flow,
    entry: new EntryCircuit({ circuits: flow.circuits, brokers, quotes, settings: config.brokers.entry }),
    simulator: new SimulatorControl("http://127.0.0.1:9"),
    fxDesk: new HttpFxDesk({ baseUrl: "http://127.0.0.1:9" }), // placeOrder never asks it
    // These buys pay commission in cash: placeOrder never asks it.
    points: new HttpPointsService({ baseUrl: "http://127.0.0.1:9", secret: undefined, timeoutMs: 1000 }),
    orderFeed: new OrderFeed({ prisma, logger: pino({ level: "silent" }) }), // never subscribed: never polls
    retryPolicy: config.retry,
    config,
    receiverUrl: "http://127.0.0.1:9",
    logger: pino({ level: "silent" }),
  };
}

/**
 * `orders` limit buys from `clients` concurrent callers, each on its own account (`accounts[client]`) or all on
 * `accounts[0]`. `withKey` adds a fresh idempotency key to each order, as the order ticket does (two more look-ups).
 */
export async function inProcessCell(
  services: CoreServices,
  options: { accounts: AccountRef[]; clients: number; orders: number; hot: boolean; withKey: boolean },
): Promise<CellResult> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      while (issued < options.orders) {
        issued++;
        const account = options.hot ? options.accounts[0]! : options.accounts[client % options.accounts.length]!;
        const t0 = performance.now();
        await placeOrder({
          ctx: { services, account, actor: "bench" },
          input: ZPlaceOrderInput.parse({ ...LIMIT_BUY, ...(options.withKey ? { idempotencyKey: randomUUID() } : {}) }),
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return summarize(latencies, (performance.now() - started) / 1000);
}

/** Throughput and the latency quantiles of one cell (the nearest-rank quantile bench/placeOrder.ts prints). */
export function summarize(latencies: number[], seconds: number): CellResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    orders: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50: quantile(0.5),
    p99: quantile(0.99),
  };
}
