// kafkajs wiring: the client (its logs go to pino), topic names and creation, and the outbox row ⇄ Kafka message
// encoding (Debezium's outbox event router: the row's id travels as the event id, the aggregate id — the order id —
// as the key, so one order's messages share a partition and stay in order).
import type { Logger } from "pino";
import { Kafka, logLevel, type Admin, type IHeaders, type KafkaMessage, type LogEntry, type Message } from "kafkajs";
import { ALL_TOPICS, topicSpec, type OutboxMessage, type Topic } from "./topics";

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prefix of every topic name and group id; lets several systems share one cluster (tests). Default "". */
  namespace?: string;
  replicationFactor?: number;
}

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/**
 * kafkajs logs every failed connection attempt as an error; while Kafka is down that is our expected fallback, so its
 * own lines go to debug, and this module's callers log the mode changes that matter to an operator.
 */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 2000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        kafkaLogger.debug({ kafkaLevel: LEVELS[level], ...rest }, message);
      },
  });
}

export function topicName(settings: Pick<KafkaSettings, "namespace">, topic: Topic): string {
  return `${settings.namespace ?? ""}${topic}`;
}

/** The consumer group of a topic's consumers: one per role, and one per broker for the brokers' command topics. */
export function groupId(settings: Pick<KafkaSettings, "namespace">, topic: Topic): string {
  const { group } = topicSpec(topic);
  if (!group) throw new Error(`topic "${topic}" has no consumer group`);
  return `${settings.namespace ?? ""}meridian.${group}`;
}

/** Creates the pipeline's topics that do not exist yet, with their partition counts; waits for their leaders. */
export async function ensureTopics(admin: Admin, settings: KafkaSettings): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = ALL_TOPICS.filter((topic) => !existing.has(topicName(settings, topic)));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic: topicName(settings, topic),
      numPartitions: topicSpec(topic).partitions,
      replicationFactor: settings.replicationFactor ?? 1,
    })),
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EVENT_ID_HEADER = "meridian-event-id";
export const EVENT_TYPE_HEADER = "meridian-event-type";

export function encodeMessage(row: OutboxMessage): Message {
  return {
    key: row.key,
    value: JSON.stringify({ id: row.id, eventType: row.eventType, payload: row.payload }),
    headers: { [EVENT_ID_HEADER]: row.id, [EVENT_TYPE_HEADER]: row.eventType },
  };
}

/** Null for a message that is not one of ours (no event id): it is skipped, never handed to a handler. */
export function decodeMessage(topic: Topic, message: KafkaMessage): OutboxMessage | null {
  try {
    const body = JSON.parse(message.value?.toString("utf8") ?? "") as {
      id?: string;
      eventType?: string;
      payload?: unknown;
    };
    if (typeof body.id !== "string" || !UUID.test(body.id) || typeof body.eventType !== "string") return null;
    return {
      id: body.id,
      topic,
      key: message.key?.toString("utf8") ?? headerText(message.headers, "key"),
      eventType: body.eventType,
      payload: body.payload,
    };
  } catch {
    return null;
  }
}

function headerText(headers: IHeaders | undefined, name: string): string {
  const value = headers?.[name];
  return Buffer.isBuffer(value) ? value.toString("utf8") : typeof value === "string" ? value : "";
}

/** Deletes the pipeline's topics of one namespace (tests clean up after themselves on a shared cluster). */
export async function deletePipelineTopics(settings: KafkaSettings, logger: Logger): Promise<void> {
  if (!settings.namespace) throw new Error("refusing to delete the pipeline topics of the default namespace");
  const admin = createKafka(settings, logger).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = ALL_TOPICS.map((topic) => topicName(settings, topic)).filter((name) => existing.has(name));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
