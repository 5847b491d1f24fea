import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import type { BrokerRegistry } from "./broker/registry";
import type { MeridianConfig } from "./config/schema";
import type { RetryPolicy } from "./gateway/retryPolicy";
import type { SimulatorControl } from "./broker/simulatorControl";
import type { EntryCircuit } from "./flow/entry";
import type { FlowControl } from "./flow/flowControl";
import type { FxDesk } from "./fxdesk/port";
import type { AccountLock } from "./lock/port";
import type { QuoteService } from "./market/quotes";
import type { OrderFeed } from "./orders/feed";
import type { PointsService } from "./points/port";

/** What domain functions need from the outside world; built once per process in a composition root. */
export interface CoreServices {
  prisma: PrismaClient;
  lock: AccountLock;
  brokers: BrokerRegistry;
  /** Flow control toward the brokers: shared breaker, adaptive pools, rate limits, call metrics, operator levers. */
  flow: FlowControl;
  /** Where a new order goes (primary or fallback broker) and whether its symbol, or the market, is open for entry. */
  entry: EntryCircuit;
  quotes: QuoteService;
  /** The FX desk that converts won and dollars, behind its flow control (partner id "fxdesk"), as the brokers are. */
  fxDesk: FxDesk;
  /** The fee points service: a TCC participant in a process of its own, with its own database, over HTTP. */
  points: PointsService;
  /** Fault switches of the simulated brokers, for the console. */
  simulator: SimulatorControl;
  /**
   * Order changes for live screens; it polls only while someone subscribes, so processes without subscribers never
   * start it.
   */
  orderFeed: OrderFeed;
  /** Where the worker's execution receiver listens; the console reads the pipeline's health from its /health. */
  receiverUrl: string;
  /**
   * Retries of unknown outcomes and the late-arrival window, which operator actions must respect as the gateway does.
   */
  retryPolicy: RetryPolicy;
  /** The process's settings, read once at start (config/): what domain functions price and time things with. */
  config: MeridianConfig;
  logger: Logger;
}

/** The customer account a request acts on, resolved from the session before any business state is read. */
export interface AccountRef {
  id: string;
  accountNo: string;
}

/** Who decides, for an operator's handler: the operator (audited as `actor`) and, in a bulk decision, its batch. */
export interface OperatorCtx {
  services: CoreServices;
  actor: string;
  batchId?: string;
}
