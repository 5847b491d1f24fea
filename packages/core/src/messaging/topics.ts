/** Event pipeline topics. Every message is keyed by order id, so one order's events stay in order. */
export const TOPICS = {
  /**
   * Everything the gateway must say to a broker about an order: submit, retry, cancel. One topic keyed by order id,
   * so a cancel is never handled while that order's submit is still in flight.
   */
  orderCommands: "orders.commands",
  /** receiver → ledger: a stored execution receipt to apply. */
  executions: "executions",
  /** Order changes for the live-update fan-out to the UI: published, never "consumed" by a role. */
  orderEvents: "orders.events",
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** The worker roles that consume a topic; each is one consumer group on Kafka. */
export type ConsumerRole = "gateway" | "ledger";

export interface TopicSpec {
  /**
   * Kafka partitions: the most consumers of a group that can work in parallel, and the unit of ordering (one order's
   * messages share a partition). Executions carry the volume; commands wait on broker round trips; events fan out.
   */
  partitions: number;
  /** The role whose handler must see every message once; null for a fan-out topic (published is delivered). */
  consumer: ConsumerRole | null;
}

export const TOPIC_SPECS: Record<Topic, TopicSpec> = {
  [TOPICS.orderCommands]: { partitions: 6, consumer: "gateway" },
  [TOPICS.executions]: { partitions: 12, consumer: "ledger" },
  [TOPICS.orderEvents]: { partitions: 3, consumer: null },
};

export const ALL_TOPICS = Object.values(TOPICS) as Topic[];

export interface OutboxMessage {
  id: string;
  topic: string;
  key: string;
  eventType: string;
  payload: unknown;
}
