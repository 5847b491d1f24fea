import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { positiveIntFromEnv } from "../shared/env";
import { KafkaTransport } from "./kafkaTransport";
import { DEFAULT_PARKING, type ParkingPolicy } from "./parking";
import { PollingTransport } from "./pollingTransport";
import type { Transport } from "./transport";

/**
 * KAFKA_BROKERS set → Kafka (with the polling fallback); unset → polling the outbox. KAFKA_TOPIC_PREFIX prefixes topic
 * names and consumer groups; KAFKA_PROBE_MS, KAFKA_CONSUMER_CONCURRENCY and KAFKA_REPLICATION_FACTOR tune the adapter.
 * Both adapters park a message that keeps failing (parkingPolicyFromEnv).
 */
export function createTransportFromEnv(
  deps: { prisma: PrismaClient; logger: Logger },
  env: NodeJS.ProcessEnv = process.env,
): Transport {
  const brokers = (env.KAFKA_BROKERS ?? "")
    .split(",")
    .map((broker) => broker.trim())
    .filter(Boolean);
  const parking = parkingPolicyFromEnv(env);
  if (brokers.length === 0) return new PollingTransport({ ...deps, parking });
  return new KafkaTransport({
    ...deps,
    brokers,
    namespace: env.KAFKA_TOPIC_PREFIX ?? "",
    probeMs: numberOr(env.KAFKA_PROBE_MS, 1000),
    consumerConcurrency: numberOr(env.KAFKA_CONSUMER_CONCURRENCY, 4),
    replicationFactor: numberOr(env.KAFKA_REPLICATION_FACTOR, 1),
    parking,
  });
}

/**
 * MESSAGE_PARK_AFTER_ATTEMPTS (10): handler runs before a message parks its key; MESSAGE_PARKED_RETRY_MS (60 s) and
 * MESSAGE_PARKED_RETRY_MAX_MS (10 min): the first slow retry of a parked message, and the cap of its doubling.
 */
export function parkingPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): ParkingPolicy {
  // A typo must stop the worker rather than park every message at its first failure, or never.
  const parkedRetryMs = positiveIntFromEnv(env, "MESSAGE_PARKED_RETRY_MS", DEFAULT_PARKING.parkedRetryMs);
  return {
    parkAfterAttempts: positiveIntFromEnv(env, "MESSAGE_PARK_AFTER_ATTEMPTS", DEFAULT_PARKING.parkAfterAttempts),
    parkedRetryMs,
    parkedRetryMaxMs: Math.max(
      parkedRetryMs,
      positiveIntFromEnv(env, "MESSAGE_PARKED_RETRY_MAX_MS", DEFAULT_PARKING.parkedRetryMaxMs),
    ),
  };
}

function numberOr(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : fallback;
}
