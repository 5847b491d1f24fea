// The Kafka adapter, with polling as its fallback. A health probe decides the process's mode: while Kafka answers,
// the relay publishes the outbox and each subscription consumes its topic in the topic's group; when Kafka stops answering (or a
// publish or a consumer fails and the probe confirms it), the relay pauses and each role polls the outbox instead;
// when Kafka has answered again for a while, the roles go back. Nothing is lost or applied twice across a switch:
// polling takes every row not yet consumed, published or not; Kafka consumers skip rows already consumed; a row is
// claimed by one consumer at a time; and the handlers' own idempotency covers a crash between effect and mark.
import { hostname } from "node:os";
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import type { Admin, Kafka, Producer } from "kafkajs";
import type { MessageHandler } from "./claims";
import { createKafka, encodeMessage, ensureTopics, groupId, topicName, type KafkaSettings } from "./kafkaClient";
import { runKafkaConsumer, type ConsumerCounters } from "./kafkaConsumer";
import { DEFAULT_IN_FLIGHT } from "./keyedLanes";
import { ModeSwitch } from "./modeSwitch";
import { DEFAULT_PARKING, type ParkingPolicy } from "./parking";
import { runPollingConsumer } from "./pollingConsumer";
import { acquireRelayLease, relayOnce, releaseRelayLease, type PendingRow } from "./relay";
import { sleep, withTimeout } from "../shared/sleep";
import type { ConsumerRole, Topic } from "./topics";
import type { Subscription, Transport, TransportStatus } from "./transport";

export interface KafkaTransportOptions extends Omit<KafkaSettings, "clientId"> {
  prisma: PrismaClient;
  logger: Logger;
  clientId?: string;
  /** Health probe period. Default 1000 ms. */
  probeMs?: number;
  /** Failed probes in a row before giving Kafka up. Default 2. */
  failuresToFallBack?: number;
  /** Good probes in a row before going back to Kafka. Default 3. */
  successesToRecover?: number;
  /** Partitions a consumer handles at once. Default 4. */
  consumerConcurrency?: number;
  /**
   * Messages each role handles at once (distinct orders; one order's messages one at a time, in order), by Kafka and
   * by polling. Default DEFAULT_IN_FLIGHT.
   */
  inFlight?: Partial<Record<ConsumerRole, number>>;
  relayBatchSize?: number;
  relayIdleMs?: number;
  relayLeaseMs?: number;
  /** Rows unconsumed this long are picked up by the polling sweeper even in Kafka mode. Default 60 s. */
  sweepAfterMs?: number;
  /** The sweeper's pause between looks when it found little to do. Default 2000 ms. */
  sweepIdleMs?: number;
  claimMs?: number;
  /** When a message that keeps failing parks its key, and how slowly a parked message is retried. */
  parking?: Partial<ParkingPolicy>;
  pollingBatchSize?: number;
  pollingIdleMs?: number;
}

class PublishError extends Error {}

export class KafkaTransport implements Transport {
  readonly configured = "kafka" as const;
  readonly counters: Record<string, ConsumerCounters> = {};
  private readonly modes = new ModeSwitch("polling");
  private readonly settings: KafkaSettings;
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly holder = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private admin: Admin | null = null;
  private producer: Producer | null = null;
  private background: Promise<unknown>[] = [];
  private probeNow: () => void = () => {};

  constructor(private readonly options: KafkaTransportOptions) {
    this.settings = {
      brokers: options.brokers,
      clientId: options.clientId ?? `meridian-${hostname()}-${process.pid}`,
      namespace: options.namespace,
      replicationFactor: options.replicationFactor,
    };
    this.logger = options.logger.child({ component: "transport" });
    this.kafka = createKafka(this.settings, options.logger);
  }

  get mode() {
    return this.modes.mode;
  }

  status(): TransportStatus {
    return { configured: this.configured, ...this.modes.snapshot() };
  }

  async start(signal: AbortSignal): Promise<void> {
    const firstProbe = new Promise<void>((resolve) => this.background.push(this.monitor(signal, resolve)));
    this.background.push(this.relay(signal));
    await firstProbe;
    if (this.mode === "polling")
      this.logger.warn({ brokers: this.settings.brokers }, "Kafka is not reachable: starting in polling mode");
  }

  consume(subscription: Subscription, signal: AbortSignal): Promise<void> {
    return this.consumeLoop(subscription, signal);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.background);
    await Promise.allSettled([this.dropProducer(), this.admin?.disconnect()]);
    await releaseRelayLease(this.options.prisma, this.holder).catch(() => {});
  }

  /** Probes Kafka on a period (and at once when a publish or a consumer fails) and sets the mode from the answers. */
  private async monitor(signal: AbortSignal, firstDone: () => void): Promise<void> {
    const { probeMs = 1000, failuresToFallBack = 2, successesToRecover = 3 } = this.options;
    let failures = 0;
    let successes = 0;
    let first = true;
    while (!signal.aborted) {
      const error = await this.probe();
      if (error === null) {
        failures = 0;
        successes++;
        if (this.mode === "polling" && (first || successes >= successesToRecover)) {
          if (this.modes.set("kafka", "Kafka answers")) this.logger.info("Kafka is back: switching to Kafka mode");
        }
      } else {
        successes = 0;
        failures++;
        if (this.mode === "kafka" && failures >= failuresToFallBack) {
          if (this.modes.set("polling", error))
            this.logger.warn({ err: error }, "Kafka is unreachable: switching to polling mode");
        } else if (this.mode === "polling") {
          this.modes.set("polling", error);
        }
      }
      if (first) firstDone();
      first = false;
      const nap = new AbortController();
      this.probeNow = () => nap.abort();
      const onStop = () => nap.abort();
      signal.addEventListener("abort", onStop, { once: true });
      await sleep(probeMs, nap.signal);
      signal.removeEventListener("abort", onStop);
    }
    firstDone(); // stopped before the first probe: start() must not wait for ever
  }

  /** null when Kafka answered and the pipeline's topics exist; the reason otherwise. */
  private async probe(): Promise<string | null> {
    try {
      this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
      await withTimeout(
        (async () => {
          await this.admin!.connect();
          await this.admin!.describeCluster();
          if (this.mode === "polling") await ensureTopics(this.admin!, this.settings);
        })(),
        5000,
        "Kafka probe",
      );
      return null;
    } catch (error) {
      // A fresh admin next time: kafkajs keeps a broken connection's state otherwise.
      const admin = this.admin;
      this.admin = null;
      void admin?.disconnect().catch(() => {});
      return (error as Error).message;
    }
  }

  private async relay(signal: AbortSignal): Promise<void> {
    const { prisma, relayBatchSize = 500, relayIdleMs = 50, relayLeaseMs = 10_000 } = this.options;
    let leaseRenewedAt = 0;
    while (!signal.aborted) {
      if (this.mode !== "kafka") {
        await this.dropProducer();
        leaseRenewedAt = 0;
        const change = this.modes.untilChange(signal);
        await sleep(1000, change.signal);
        change.abort();
        continue;
      }
      let published = 0;
      try {
        if (Date.now() - leaseRenewedAt > relayLeaseMs / 3) {
          leaseRenewedAt = (await acquireRelayLease(prisma, this.holder, relayLeaseMs)) ? Date.now() : 0;
        }
        if (!leaseRenewedAt) {
          // Another worker's relay publishes; ask again about when its lease would need renewing.
          await sleep(relayLeaseMs / 3, signal);
          continue;
        }
        published = await relayOnce(prisma, (rows) => this.publish(rows), relayBatchSize);
      } catch (error) {
        const reason = (error as Error).message;
        if (error instanceof PublishError) {
          this.logger.warn({ err: reason }, "outbox relay could not publish; probing Kafka");
          await this.dropProducer();
          this.probeNow();
        } else {
          this.logger.error({ err: reason }, "outbox relay failed");
        }
        await sleep(500, signal);
      }
      if (published < relayBatchSize) await sleep(relayIdleMs, signal);
    }
  }

  private async publish(rows: PendingRow[]): Promise<void> {
    try {
      if (!this.producer) {
        // Idempotent (KIP-98): the broker drops a batch the producer retried after a lost acknowledgement. A new
        // producer (a new producer id) after every failure, so no sequence state outlives an outage.
        const producer = this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
        });
        await producer.connect();
        this.producer = producer;
      }
      const byTopic = new Map<string, ReturnType<typeof encodeMessage>[]>();
      for (const row of rows) {
        const name = topicName(this.settings, row.topic as Topic);
        if (!byTopic.has(name)) byTopic.set(name, []);
        byTopic.get(name)!.push(encodeMessage(row));
      }
      await withTimeout(
        this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        }),
        15_000,
        "Kafka publish",
      );
    } catch (error) {
      throw new PublishError((error as Error).message);
    }
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (producer) await withTimeout(producer.disconnect(), 5000, "producer disconnect").catch(() => {});
  }

  /** One role's consumption: a Kafka consumer (and a slow sweeper) in Kafka mode, the polling consumer otherwise. */
  private async consumeLoop(subscription: Subscription, signal: AbortSignal): Promise<void> {
    const {
      prisma,
      consumerConcurrency = 4,
      sweepAfterMs = 60_000,
      sweepIdleMs = 2000,
      claimMs = 30_000,
      pollingBatchSize = 20,
      pollingIdleMs = 100,
    } = this.options;
    const parking = { ...DEFAULT_PARKING, ...this.options.parking };
    const logger = this.options.logger.child({ role: subscription.role });
    const inFlightLimit = this.options.inFlight?.[subscription.role] ?? DEFAULT_IN_FLIGHT[subscription.role];
    const counters = (this.counters[subscription.role] ??= {
      handled: 0,
      skippedConsumed: 0,
      failed: 0,
      passedParked: 0,
    });
    const polling = (handler: MessageHandler, untilSwitch: AbortSignal, olderThanMs: number, idleMs: number) =>
      runPollingConsumer(
        {
          prisma,
          topic: subscription.topic,
          handler,
          logger,
          batchSize: pollingBatchSize,
          inFlightLimit,
          idleMs,
          claimMs,
          olderThanMs,
          parking,
        },
        untilSwitch,
      );
    while (!signal.aborted) {
      // Aborted on a mode change or on shutdown; when the Kafka consumer crashes, this code aborts it, asks for a
      // probe at once, and starts a new session after a pause (or the mode changes meanwhile).
      const session = this.modes.untilChange(signal);
      if (this.mode === "polling") {
        logger.info({ topic: subscription.topic }, "consuming by polling the outbox");
        await polling(subscription.handler, session.signal, 0, pollingIdleMs);
        continue;
      }
      const kafkaDone = runKafkaConsumer(
        {
          kafka: this.kafka,
          prisma,
          logger,
          groupId: groupId(this.settings, subscription.topic),
          topic: subscription.topic,
          topicName: topicName(this.settings, subscription.topic),
          handler: subscription.handler,
          concurrency: consumerConcurrency,
          inFlightLimit,
          claimMs,
          parking,
        },
        counters,
        session.signal,
      ).then(
        () => false,
        (error) => {
          logger.warn({ err: (error as Error).message }, "kafka consumer stopped; probing Kafka");
          this.probeNow();
          return true;
        },
      );
      const sweeper = polling(subscription.handler, session.signal, sweepAfterMs, sweepIdleMs);
      const crashed = await kafkaDone;
      session.abort();
      await sweeper;
      if (crashed) {
        const change = this.modes.untilChange(signal);
        await sleep(1000, change.signal);
        change.abort();
      }
    }
  }
}
