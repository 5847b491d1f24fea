// A real database (see @meridian/db/testing) with core services wired as in production, except the broker: domain
// tests talk to a scripted in-process broker so that they can decide quotes and answers. The cross-process suites in
// apps/worker/test use the real simulator over HTTP.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { createPointsService, type PointsService as PointsServiceProcess } from "@meridian/points";
import type {
  BrokerAdapter,
  BrokerOrderRequest,
  BrokerOrderView,
  CancelResult,
  Quote,
  SubmitResult,
} from "../src/broker/port";
import { BrokerRegistry } from "../src/broker/registry";
import { EntryCircuit } from "../src/flow/entry";
import { FlowControl } from "../src/flow/flowControl";
import { flowSettings } from "../src/composition";
import { loadConfig, type Environment } from "../src/config/load";
import { DatabaseAccountLock } from "../src/lock/databaseLock";
import type { AccountLock } from "../src/lock/port";
import { QuoteService } from "../src/market/quotes";
import { SimulatorControl } from "../src/broker/simulatorControl";
import { INSTRUMENTS } from "../src/market/instruments";
import { OrderFeed } from "../src/orders/feed";
import type { AccountRef, CoreServices } from "../src/services";
import { HttpPointsService } from "../src/points/httpPointsService";
import { handleOutcomeRequest } from "../src/tcc/outcomeEndpoint";
import { memorySessionCookie, type SessionCookie } from "../src/auth/sessionCookie";
import { createSession } from "../src/auth/sessions";
import { createRequestContext } from "../src/trpc/context";
import { createCallerFactory } from "../src/trpc/init";
import { appRouter } from "../src/trpc/root";
import { ScriptedFxDesk } from "./scriptedFxDesk";

export { ScriptedFxDesk, type ScriptedFxFault } from "./scriptedFxDesk";

export class ScriptedBroker implements BrokerAdapter {
  readonly capabilities = { lookupByClientOrderId: true };
  readonly submitted: BrokerOrderRequest[] = [];
  prices = new Map<string, string>(INSTRUMENTS.map((instrument) => [instrument.symbol, "100.00"]));
  nextSubmit: (request: BrokerOrderRequest) => Promise<SubmitResult> = async (request) => ({
    outcome: "ACCEPTED",
    brokerOrderId: `B-${request.clientOrderId}`,
  });
  nextCancel: (clientOrderId: string) => Promise<CancelResult> = async () => ({
    outcome: "CANCELLED",
    brokerOrderId: "B",
    filledQuantity: "0",
  });
  /** The broker's record of an order, as a lookup (and the daily report) answers it; none by default. */
  nextLookup: (clientOrderId: string) => Promise<BrokerOrderView | null> = async () => null;

  constructor(readonly brokerId = "atlas") {}

  async submitOrder(request: BrokerOrderRequest): Promise<SubmitResult> {
    this.submitted.push(request);
    return this.nextSubmit(request);
  }
  cancelOrder(clientOrderId: string): Promise<CancelResult> {
    return this.nextCancel(clientOrderId);
  }
  lookupOrder(clientOrderId: string): Promise<BrokerOrderView | null> {
    return this.nextLookup(clientOrderId);
  }
  async getQuotes(): Promise<Quote[]> {
    return [...this.prices].map(([symbol, last]) => ({
      symbol,
      name: symbol,
      bid: last,
      ask: last,
      last,
      previousClose: last,
      timestamp: new Date().toISOString(),
    }));
  }
}

const createCaller = createCallerFactory(appRouter);
export type ApiCaller = ReturnType<typeof createCaller>;

export interface Harness {
  db: TestDatabase;
  services: CoreServices;
  broker: ScriptedBroker;
  /** The FX desk the services use: in memory, scripted (rate, faults), not behind flow control. */
  fxDesk: ScriptedFxDesk;
  /**
   * The real fee points service, in this process but over HTTP with a database of its own (demo points credited), and
   * the coordinator's outcome endpoint it asks (served as the worker's receiver serves it). Its sweep runs only when a
   * test calls `points.sweepOnce()`.
   */
  points: PointsServiceProcess;
  account(email: string): Promise<AccountRef>;
  /**
   * The tRPC API as the demo user `email` calls it (their role from the database), or as an anonymous caller (null).
   */
  caller(email: string | null): Promise<ApiCaller>;
  close(): Promise<void>;
}

export async function createHarness(
  options: {
    lock?: (db: TestDatabase) => AccountLock;
    /** Settings as the environment would give them (e.g. COMMISSION_RATE); defaults otherwise. */
    env?: Environment;
  } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  const pointsDb = await createEmptyTestDatabase("meridian_points_test");
  const broker = new ScriptedBroker("atlas");
  const brokers = new BrokerRegistry([broker], { defaultBrokerIds: ["atlas"], bySymbol: {} });
  const lock = options.lock?.(db) ?? new DatabaseAccountLock(db.prisma);
  const logger = pino({ level: "silent" });
  const orderFeed = new OrderFeed({ prisma: db.prisma, logger, pollMs: 50 });
  const config = loadConfig({
    POINTS_SERVICE_SECRET: randomBytes(24).toString("hex"),
    POINTS_TIMEOUT_MS: "1000",
    POINTS_RETRY_BASE_MS: "10",
    POINTS_RETRY_CAP_MS: "50",
    ...options.env,
  });
  // The endpoint is up before the services exist (the points service is told where it is); it answers once they do.
  let servicesReady: CoreServices | undefined;
  const coordinator = await serveOutcomes(() => servicesReady);
  const points = await createPointsService({
    port: 0,
    databaseUrl: pointsDb.url,
    secret: config.points.secret!,
    coordinatorUrl: coordinator.url,
    sweepAfterMs: 0,
    sweepEveryMs: 60_000,
    demoSeed: true,
    logger,
    sweep: false,
  });
  const quotes = new QuoteService(brokers);
  const fxDesk = new ScriptedFxDesk();
  // In memory and not wrapped around the scripted broker: tests of flow control build their own.
  const flow = new FlowControl({
    prisma: db.prisma,
    redis: null,
    settings: flowSettings(config),
    logger,
    callTimeoutMs: config.brokers.timeoutMs,
  });
  const services: CoreServices = {
    prisma: db.prisma,
    lock,
    brokers,
    flow,
    quotes,
    entry: new EntryCircuit({ circuits: flow.circuits, brokers, quotes, settings: config.brokers.entry }),
    fxDesk,
    points: new HttpPointsService({
      baseUrl: points.url,
      secret: config.points.secret,
      timeoutMs: config.points.timeoutMs,
    }),
    simulator: new SimulatorControl("http://127.0.0.1:9"),
    orderFeed,
    receiverUrl: "http://127.0.0.1:9",
    retryPolicy: { baseMs: 200, capMs: 2000, maxAttempts: 5, lateArrivalMs: 0 },
    config,
    logger,
  };
  servicesReady = services;
  return {
    db,
    services,
    broker,
    fxDesk,
    points,
    async account(email) {
      const account = await db.prisma.account.findFirstOrThrow({ where: { user: { email } } });
      return { id: account.id, accountNo: account.accountNo };
    },
    async caller(email) {
      // A browser of its own, holding a session made by the sessions module (an operator's with a fresh step-up, as the
      // console is once the password is confirmed); the session is resolved from the cookie on every call.
      return callerWithCookie(
        services,
        memorySessionCookie(email === null ? null : await sessionTokenFor(services, email)),
      );
    },
    async close() {
      await lock.close();
      await points.close();
      await coordinator.close();
      await pointsDb.drop();
      await db.drop();
    },
  };
}

/** Everything that must not change when a request is refused. */
export async function accountSnapshot(services: CoreServices, accountId: string) {
  const [cash, holdings, orders, entries, outbox] = await Promise.all([
    services.prisma.cashBalance.findMany({ where: { accountId } }),
    services.prisma.holding.findMany({ where: { accountId }, orderBy: { symbol: "asc" } }),
    services.prisma.order.count({ where: { accountId } }),
    services.prisma.ledgerEntry.count({ where: { accountId } }),
    services.prisma.outboxEvent.count(),
  ]);
  return JSON.stringify({ cash, holdings, orders, entries, outbox });
}

/** POST /tcc/outcome as the worker's receiver serves it, on a port of its own. */
async function serveOutcomes(
  services: () => CoreServices | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const ready = services();
      const answered = ready
        ? handleOutcomeRequest(ready, request.headers.authorization, Buffer.concat(chunks).toString())
        : Promise.resolve({ status: 503 as const, body: { code: "UNAVAILABLE", message: "starting" } });
      void answered.then((answer) => {
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(JSON.stringify(answer.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A session for `email` as a sign-in makes one (without the password), answering its cookie's id. An operator's starts
 * stepped up unless `stepUp` is false.
 */
export async function sessionTokenFor(
  services: CoreServices,
  email: string,
  options: { stepUp?: boolean } = {},
): Promise<string> {
  const user = await services.prisma.user.findUniqueOrThrow({ where: { email } });
  const { token } = await createSession(services.prisma, {
    user: { userId: user.id, role: user.role },
    settings: services.config.auth.sessions,
    steppedUp: user.role === "OPERATOR" && options.stepUp !== false,
  });
  return token;
}

/** The tRPC API as a browser holding `cookie` calls it: each call resolves the session from the cookie, as a request. */
export function callerWithCookie(services: CoreServices, cookie: SessionCookie): ApiCaller {
  return createCaller(() => createRequestContext({ services, cookie }));
}
