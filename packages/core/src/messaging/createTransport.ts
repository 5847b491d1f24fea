import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { KafkaTransport } from "./kafkaTransport";
import type { ParkingPolicy } from "./parking";
import { PollingTransport } from "./pollingTransport";
import type { ConsumerRole } from "./topics";
import type { Transport } from "./transport";

/** KAFKA_* (config.transport). */
export interface TransportSettings {
  kafkaBrokers: string[];
  topicPrefix: string;
  probeMs: number;
  consumerConcurrency: number;
  replicationFactor: number;
  /** GATEWAY_CONCURRENCY, LEDGER_CONCURRENCY: messages each role handles at once, on either transport. */
  inFlight: Record<ConsumerRole, number>;
}

/**
 * The transport adapter, chosen once by the worker's composition root: KAFKA_BROKERS set → Kafka (with the polling
 * fallback); unset → polling the outbox. Both adapters park a message that keeps failing (`parking`).
 */
export function createTransport(
  deps: { prisma: PrismaClient; logger: Logger },
  settings: TransportSettings,
  parking: ParkingPolicy,
): Transport {
  if (settings.kafkaBrokers.length === 0)
    return new PollingTransport({ ...deps, inFlight: settings.inFlight, parking });
  return new KafkaTransport({
    ...deps,
    brokers: settings.kafkaBrokers,
    namespace: settings.topicPrefix,
    probeMs: settings.probeMs,
    consumerConcurrency: settings.consumerConcurrency,
    inFlight: settings.inFlight,
    replicationFactor: settings.replicationFactor,
    parking,
  });
}
