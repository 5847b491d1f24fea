// A real database (see @meridian/db/testing) with core services wired as in production, except the broker: domain
// tests talk to a scripted in-process broker so that they can decide quotes and answers. The cross-process suites in
// apps/worker/test use the real simulator over HTTP.
import { pino } from "pino";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
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
  const broker = new ScriptedBroker("atlas");
  const brokers = new BrokerRegistry([broker], { defaultBrokerIds: ["atlas"], bySymbol: {} });
  const lock = options.lock?.(db) ?? new DatabaseAccountLock(db.prisma);
  const logger = pino({ level: "silent" });
  const orderFeed = new OrderFeed({ prisma: db.prisma, logger, pollMs: 50 });
  const config = loadConfig(options.env ?? {});
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
    simulator: new SimulatorControl("http://127.0.0.1:9"),
    orderFeed,
    receiverUrl: "http://127.0.0.1:9",
    retryPolicy: { baseMs: 200, capMs: 2000, maxAttempts: 5, lateArrivalMs: 0 },
    config,
    logger,
  };
  return {
    db,
    services,
    broker,
    fxDesk,
    async account(email) {
      const account = await db.prisma.account.findFirstOrThrow({ where: { user: { email } } });
      return { id: account.id, accountNo: account.accountNo };
    },
    async caller(email) {
      const user = email === null ? null : await db.prisma.user.findUniqueOrThrow({ where: { email } });
      const session = {
        user: user && { userId: user.id, role: user.role },
        save: async () => {},
        destroy: async () => {},
      };
      return createCaller({ services, session });
    },
    async close() {
      await lock.close();
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
