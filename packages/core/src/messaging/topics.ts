/** Event pipeline topics. Every message is keyed by order id, so one order's events stay in order. */
import { KNOWN_BROKERS } from "../broker/registry";

export const TOPICS = {
  /** receiver → ledger: a stored execution receipt to apply. */
  executions: "executions",
  /** Order changes for the live-update fan-out to the UI: published, never "consumed" by a role. */
  orderEvents: "orders.events",
} as const;

/**
 * Everything the gateway must say to one broker about an order: submit, retry, cancel. One topic per broker, so a slow
 * broker's backlog never stands in front of another broker's orders, and each broker's gateways scale on their own;
 * keyed by order id, so a cancel is never handled while that order's submit is still in flight.
 */
export type OrderCommandsTopic = `orders.commands.${string}`;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS] | OrderCommandsTopic;

/** The command topic of a broker we have a contract with; an unknown broker has none (no gateway would consume it). */
export function orderCommandsTopic(brokerId: string): OrderCommandsTopic {
  if (!KNOWN_BROKERS.some((known) => known.brokerId === brokerId))
    throw new Error(
      `no command topic for unknown broker "${brokerId}" (known: ${KNOWN_BROKERS.map((known) => known.brokerId).join(", ")})`,
    );
  return `orders.commands.${brokerId}`;
}

/** Every broker's command topic, in KNOWN_BROKERS order. */
export const ORDER_COMMANDS_TOPICS: readonly OrderCommandsTopic[] = KNOWN_BROKERS.map(({ brokerId }) =>
  orderCommandsTopic(brokerId),
);

/** The worker roles that consume a topic. */
export type ConsumerRole = "gateway" | "ledger";

export interface TopicSpec {
  /**
   * Kafka partitions: the most consumers of a group that can work in parallel, and the unit of ordering (one order's
   * messages share a partition). Executions carry the volume; commands wait on broker round trips; events fan out.
   */
  partitions: number;
  /** The role whose handler must see every message once; null for a fan-out topic (published is delivered). */
  consumer: ConsumerRole | null;
  /**
   * The Kafka consumer group (after `meridian.`): the ledger's role name; `gateway.<brokerId>` for a broker's commands,
   * so starting or stopping one broker's gateways never rebalances (and pauses) another broker's.
   */
  group: string | null;
}

export const TOPIC_SPECS: Readonly<Record<Topic, TopicSpec>> = {
  ...Object.fromEntries(
    KNOWN_BROKERS.map(({ brokerId }) => [
      orderCommandsTopic(brokerId),
      { partitions: 6, consumer: "gateway", group: `gateway.${brokerId}` } satisfies TopicSpec,
    ]),
  ),
  [TOPICS.executions]: { partitions: 12, consumer: "ledger", group: "ledger" },
  [TOPICS.orderEvents]: { partitions: 3, consumer: null, group: null },
};

/** Every topic: the brokers' command topics, then executions and order events. */
export const ALL_TOPICS = Object.keys(TOPIC_SPECS) as Topic[];

/** A topic's spec; a command topic of a broker we do not know has none. */
export function topicSpec(topic: Topic): TopicSpec {
  const spec = TOPIC_SPECS[topic];
  if (!spec) throw new Error(`unknown topic "${topic}" (known: ${ALL_TOPICS.join(", ")})`);
  return spec;
}

export interface OutboxMessage {
  id: string;
  topic: string;
  key: string;
  eventType: string;
  payload: unknown;
}
