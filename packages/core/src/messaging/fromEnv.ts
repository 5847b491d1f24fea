import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { KafkaTransport } from "./kafkaTransport";
import { PollingTransport } from "./pollingTransport";
import type { Transport } from "./transport";

/**
 * KAFKA_BROKERS set → Kafka (with the polling fallback); unset → polling the outbox. KAFKA_TOPIC_PREFIX prefixes topic
 * names and consumer groups; KAFKA_PROBE_MS, KAFKA_CONSUMER_CONCURRENCY and KAFKA_REPLICATION_FACTOR tune the adapter.
 */
export function createTransportFromEnv(deps: { prisma: PrismaClient; logger: Logger }, env: NodeJS.ProcessEnv = process.env): Transport {
  const brokers = (env.KAFKA_BROKERS ?? "").split(",").map((broker) => broker.trim()).filter(Boolean);
  if (brokers.length === 0) return new PollingTransport(deps);
  return new KafkaTransport({
    ...deps,
    brokers,
    namespace: env.KAFKA_TOPIC_PREFIX ?? "",
    probeMs: numberOr(env.KAFKA_PROBE_MS, 1000),
    consumerConcurrency: numberOr(env.KAFKA_CONSUMER_CONCURRENCY, 4),
    replicationFactor: numberOr(env.KAFKA_REPLICATION_FACTOR, 1),
  });
}

function numberOr(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : fallback;
}
