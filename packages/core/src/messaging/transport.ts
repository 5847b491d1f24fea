// The transport port: how committed outbox rows reach the role that consumes them. Two adapters, chosen once at
// start-up (fromEnv.ts): Kafka with the polling fallback (KAFKA_BROKERS set), or polling alone.
import type { MessageHandler } from "./claims";
import type { ConsumerRole, Topic } from "./topics";

export type TransportMode = "kafka" | "polling";

export interface Subscription {
  role: ConsumerRole;
  topic: Topic;
  handler: MessageHandler;
}

export interface ModeChange {
  at: Date;
  from: TransportMode;
  to: TransportMode;
  reason: string;
}

export interface TransportStatus {
  /** What the environment asked for. */
  configured: TransportMode;
  /** What carries messages right now: "polling" while a configured Kafka is unreachable. */
  mode: TransportMode;
  /** When the current mode began. */
  since: Date;
  /** Why Kafka was last given up, if it was. */
  lastError: string | null;
  /** The most recent mode changes, oldest first. */
  changes: ModeChange[];
}

export interface Transport {
  readonly configured: TransportMode;
  /** Starts the background work (Kafka: topics, health probe, outbox relay) and resolves once the mode is known. */
  start(signal: AbortSignal): Promise<void>;
  /** Delivers the topic's messages to the handler, each once it is committed, until `signal` aborts. */
  consume(subscription: Subscription, signal: AbortSignal): Promise<void>;
  status(): TransportStatus;
  /** After the start signal aborted: waits for the background work to end and closes connections. */
  close(): Promise<void>;
}
