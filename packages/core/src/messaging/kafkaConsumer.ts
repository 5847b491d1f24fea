// One Kafka consumer session for one role: joins the role's group, hands each message's outbox row to the handler,
// and resolves a message's offset only after its handler succeeded and the row was marked consumed, so a consumer
// killed mid-batch has its unfinished messages redelivered (and the row state or the inbox makes that harmless).
// A message that keeps failing parks its key rather than being skipped: its offset is resolved so the partition moves
// on, but its row stays unconsumed, and so does every later row of its key that comes by (parking.ts); the sweeper
// delivers them in order once the parked one goes through.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import type { EachBatchPayload, Kafka } from "kafkajs";
import {
  claimRows,
  countRetry,
  extendClaims,
  markConsumed,
  releaseClaims,
  whileRenewingClaims,
  type MessageHandler,
  type RowState,
} from "./claims";
import { decodeMessage } from "./kafkaClient";
import { parkBehind, parkIfExhausted, type ParkingPolicy } from "./parking";
import { sleep, withTimeout } from "../shared/sleep";
import type { OutboxMessage, Topic } from "./topics";

export interface KafkaConsumerOptions {
  kafka: Kafka;
  prisma: PrismaClient;
  logger: Logger;
  groupId: string;
  topic: Topic;
  topicName: string;
  handler: MessageHandler;
  /** Partitions handled at once. */
  concurrency: number;
  claimMs: number;
  parking: ParkingPolicy;
}

export interface ConsumerCounters {
  handled: number;
  /** Redeliveries whose row was consumed already: they never reach the handler. */
  skippedConsumed: number;
  failed: number;
  /** Messages passed by because their key is parked: left unconsumed for the sweeper, which delivers them in order. */
  passedParked: number;
}

/** What became of one message: its offset may be resolved unless the consumer is stopping. */
type Outcome = "handled" | "skipped" | "parked" | "stopped";

interface BatchControls {
  running: () => boolean;
  heartbeat: () => Promise<void>;
  /** Extends the claims on the message in hand (when given) and on the rest of its chunk. */
  keepClaims: (current?: string) => Promise<void>;
}

const CLAIM_CHUNK = 50;

/** Runs until `signal` aborts (resolves) or the consumer crashes (rejects with the cause). */
export async function runKafkaConsumer(
  options: KafkaConsumerOptions,
  counters: ConsumerCounters,
  signal: AbortSignal,
): Promise<void> {
  const { kafka, groupId, topicName, concurrency, logger } = options;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000, restartOnFailure: async () => false },
  });
  let crash: Error | null = null;
  const ended = new Promise<void>((resolve) => {
    consumer.on(consumer.events.CRASH, (event) => {
      crash = event.payload.error;
      resolve();
    });
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topicName], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: (payload) => consumeBatch(options, counters, payload, signal),
    });
    logger.info({ groupId, topic: topicName }, "kafka consumer running");
    await ended;
  } finally {
    // Stops fetching, waits for the batch in hand (it stops between messages), commits what was resolved, leaves.
    await withTimeout(consumer.disconnect(), 10_000, "kafka consumer disconnect").catch((error) =>
      logger.warn({ err: (error as Error).message }, "kafka consumer did not disconnect cleanly"),
    );
  }
  if (crash && !signal.aborted) throw crash;
}

async function consumeBatch(
  options: KafkaConsumerOptions,
  counters: ConsumerCounters,
  payload: EachBatchPayload,
  signal: AbortSignal,
): Promise<void> {
  const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
  const running = () => isRunning() && !isStale() && !signal.aborted;
  for (let start = 0; start < batch.messages.length; start += CLAIM_CHUNK) {
    if (!running()) return;
    const chunk = batch.messages
      .slice(start, start + CLAIM_CHUNK)
      .map((raw) => ({ offset: raw.offset, message: decodeMessage(options.topic, raw) }));
    const ids = chunk.flatMap(({ message }) => (message ? [message.id] : []));
    const states = ids.length ? await claimRows(options.prisma, ids, options.claimMs) : new Map<string, RowState>();
    // A slow handler (lock waits, retries) must not let the claims on the rest of the chunk lapse meanwhile.
    let position = 0;
    const keepClaims = (current?: string) => {
      const rest = chunk
        .slice(position + 1)
        .flatMap(({ message }) => (message && states.get(message.id) === "claimed" ? [message.id] : []));
      return extendClaims(options.prisma, current ? [current, ...rest] : rest, options.claimMs);
    };
    // Keys parked while this chunk is worked: their later rows, claimed with the chunk, must wait too.
    const parkedKeys = new Set<string>();
    for (const [index, { offset, message }] of chunk.entries()) {
      position = index;
      let state = message ? (states.get(message.id) ?? "missing") : "missing";
      if (message && state === "claimed" && parkedKeys.has(message.key)) {
        await releaseClaims(options.prisma, [message.id]);
        state = "parked";
      }
      const outcome: Outcome = !running()
        ? "stopped"
        : message
          ? await deliverOne(options, counters, message, state, { running, heartbeat, keepClaims })
          : "skipped";
      if (outcome === "stopped") {
        // Stopping (mode change, shutdown, rebalance): unresolved offsets are redelivered to whoever consumes this
        // partition next, and the rows claimed for them are freed now rather than when their claims run out.
        const unhandled = chunk
          .slice(index)
          .flatMap(({ message: rest }) => (rest && states.get(rest.id) === "claimed" ? [rest.id] : []));
        await releaseClaims(options.prisma, unhandled);
        return;
      }
      if (outcome === "parked") parkedKeys.add(message!.key);
      resolveOffset(offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }
}

async function deliverOne(
  options: KafkaConsumerOptions,
  counters: ConsumerCounters,
  message: OutboxMessage,
  initialState: RowState,
  controls: BatchControls,
): Promise<Outcome> {
  const state = await waitWhileBusy(options, message, initialState, controls);
  switch (state) {
    case "busy":
      return "stopped"; // stopped while waiting
    case "consumed":
      counters.skippedConsumed++;
      return "skipped";
    case "missing":
      options.logger.warn(
        { eventId: message.id, topic: message.topic },
        "kafka message has no outbox row here; skipped",
      );
      return "skipped";
    case "parked":
      await parkBehind(options.prisma, message.id);
      counters.passedParked++;
      return "parked";
    case "claimed":
      return handleWithRetries(options, counters, message, controls);
  }
}

/**
 * Another consumer holds this row, or an earlier row of its key (a sweeper finishing it, a mode change): wait for it.
 */
async function waitWhileBusy(
  options: KafkaConsumerOptions,
  message: OutboxMessage,
  initialState: RowState,
  { running, heartbeat, keepClaims }: BatchControls,
): Promise<RowState> {
  let state = initialState;
  let renewedAt = Date.now();
  while (state === "busy" && running()) {
    await sleep(100);
    await heartbeat();
    // The rest of the chunk is ours while we wait: its claims must not lapse, or a sweeper would take those rows.
    if (Date.now() - renewedAt >= options.claimMs / 3) {
      await keepClaims();
      renewedAt = Date.now();
    }
    state = (await claimRows(options.prisma, [message.id], options.claimMs)).get(message.id) ?? "missing";
  }
  return state;
}

/** Retried here while this consumer keeps the row's claim, until it succeeds or has had its attempts and parks. */
async function handleWithRetries(
  options: KafkaConsumerOptions,
  counters: ConsumerCounters,
  message: OutboxMessage,
  { running, heartbeat, keepClaims }: BatchControls,
): Promise<Outcome> {
  const { prisma, logger } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      await whileRenewingClaims(
        () => keepClaims(message.id),
        options.claimMs,
        logger,
        () => options.handler(message),
      );
      await markConsumed(prisma, message.id, "kafka");
      counters.handled++;
      return "handled";
    } catch (error) {
      const reason = (error as Error).message;
      counters.failed++;
      if (!running()) {
        await releaseClaims(prisma, [message.id]);
        return "stopped";
      }
      if (await parkIfExhausted(prisma, message.id, reason, options.parking)) {
        logger.error(
          { eventId: message.id, topic: message.topic, key: message.key, attempt, err: reason },
          "handler keeps failing; its key is parked",
        );
        return "parked";
      }
      logger.warn({ eventId: message.id, topic: message.topic, attempt, err: reason }, "handler failed; retrying");
      await sleep(Math.min(2000, 100 * 2 ** attempt));
      await heartbeat();
      await countRetry(prisma, message.id, reason);
      await keepClaims(message.id);
    }
  }
}
