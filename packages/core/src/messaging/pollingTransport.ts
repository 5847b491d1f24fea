// The polling adapter: no broker, each role claims its topic's committed outbox rows from the database. The embedded
// default (KAFKA_BROKERS unset); the Kafka adapter falls back to the same consumer when Kafka is unreachable.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { DEFAULT_IN_FLIGHT } from "./keyedLanes";
import { DEFAULT_PARKING, type ParkingPolicy } from "./parking";
import type { ConsumerRole } from "./topics";
import { runPollingConsumer } from "./pollingConsumer";
import type { Subscription, Transport, TransportStatus } from "./transport";

export interface PollingTransportOptions {
  prisma: PrismaClient;
  logger: Logger;
  batchSize?: number;
  idleMs?: number;
  claimMs?: number;
  /** Messages each role handles at once (distinct orders). Default DEFAULT_IN_FLIGHT. */
  inFlight?: Partial<Record<ConsumerRole, number>>;
  /** When a message that keeps failing parks its key, and how slowly a parked message is retried. */
  parking?: Partial<ParkingPolicy>;
}

export class PollingTransport implements Transport {
  readonly configured = "polling" as const;
  private readonly since = new Date();

  constructor(private readonly options: PollingTransportOptions) {}

  async start(): Promise<void> {}

  consume(subscription: Subscription, signal: AbortSignal): Promise<void> {
    const { prisma, logger, batchSize, idleMs, claimMs } = this.options;
    const parking = { ...DEFAULT_PARKING, ...this.options.parking };
    return runPollingConsumer(
      {
        prisma,
        topic: subscription.topic,
        handler: subscription.handler,
        logger: logger.child({ role: subscription.role }),
        batchSize,
        inFlightLimit: this.options.inFlight?.[subscription.role] ?? DEFAULT_IN_FLIGHT[subscription.role],
        idleMs,
        claimMs,
        parking,
      },
      signal,
    );
  }

  status(): TransportStatus {
    return { configured: "polling", mode: "polling", since: this.since, lastError: null, changes: [] };
  }

  async close(): Promise<void> {}
}
