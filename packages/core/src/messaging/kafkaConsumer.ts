// One Kafka consumer session for one role: joins the role's group, hands each message's outbox row to the handler,
// and resolves a message's offset only after its handler succeeded and the row was marked consumed, so a consumer
// killed mid-batch has its unfinished messages redelivered (and the row state or the inbox makes that harmless).
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import type { EachBatchPayload, Kafka } from "kafkajs";
import { claimRows, extendClaims, markConsumed, releaseAfterFailure, releaseClaims, type MessageHandler, type RowState } from "./delivery";
import { decodeMessage } from "./kafkaClient";
import { withTimeout } from "./sleep";
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
  /**
   * Handler attempts before the row is left to the polling sweeper and the partition moves on. Default 10: with the
   * account lock's bounded wait (5 s) and the backoffs, about a minute, longer than a dead holder's lock lease.
   */
  attempts?: number;
}

export interface ConsumerCounters {
  handled: number;
  /** Redeliveries whose row was consumed already: they never reach the handler. */
  skippedConsumed: number;
  failed: number;
}

const CLAIM_CHUNK = 50;

/** Runs until `signal` aborts (resolves) or the consumer crashes (rejects with the cause). */
export async function runKafkaConsumer(options: KafkaConsumerOptions, counters: ConsumerCounters, signal: AbortSignal): Promise<void> {
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
    await withTimeout(consumer.disconnect(), 10_000, "kafka consumer disconnect").catch((error) => logger.warn({ err: (error as Error).message }, "kafka consumer did not disconnect cleanly"));
  }
  if (crash && !signal.aborted) throw crash;
}

async function consumeBatch(options: KafkaConsumerOptions, counters: ConsumerCounters, payload: EachBatchPayload, signal: AbortSignal): Promise<void> {
  const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
  const running = () => isRunning() && !isStale() && !signal.aborted;
  for (let start = 0; start < batch.messages.length; start += CLAIM_CHUNK) {
    if (!running()) return;
    const chunk = batch.messages.slice(start, start + CLAIM_CHUNK).map((raw) => ({ offset: raw.offset, message: decodeMessage(options.topic, raw) }));
    const ids = chunk.flatMap(({ message }) => (message ? [message.id] : []));
    const states = ids.length ? await claimRows(options.prisma, ids, options.claimMs) : new Map<string, RowState>();
    // A slow handler (lock waits, retries) must not let the claims on the rest of the chunk lapse meanwhile.
    let position = 0;
    const keepClaims = (current?: string) => {
      const rest = chunk.slice(position + 1).flatMap(({ message }) => (message && states.get(message.id) === "claimed" ? [message.id] : []));
      return extendClaims(options.prisma, current ? [current, ...rest] : rest, options.claimMs);
    };
    for (const [index, { offset, message }] of chunk.entries()) {
      position = index;
      const done = running() && (!message || (await deliverOne(options, counters, message, states.get(message.id) ?? "missing", { running, heartbeat, keepClaims })));
      if (!done) {
        // Stopping (mode change, shutdown, rebalance): unresolved offsets are redelivered to whoever consumes this
        // partition next, and the rows claimed for them are freed now rather than when their claims run out.
        const unhandled = chunk.slice(index).flatMap(({ message: rest }) => (rest && states.get(rest.id) === "claimed" ? [rest.id] : []));
        await releaseClaims(options.prisma, unhandled);
        return;
      }
      resolveOffset(offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }
}

/** True when the message is done with (handled, skipped, or left to the sweeper) and its offset may be resolved. */
async function deliverOne(
  options: KafkaConsumerOptions,
  counters: ConsumerCounters,
  message: OutboxMessage,
  initialState: RowState,
  { running, heartbeat, keepClaims }: { running: () => boolean; heartbeat: () => Promise<void>; keepClaims: (current?: string) => Promise<void> },
): Promise<boolean> {
  const { prisma, logger } = options;
  let state = initialState;
  // Another consumer (a polling consumer finishing its batch during a mode change) holds this row: wait for it.
  for (let waited = 1; state === "busy" && running(); waited++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await heartbeat();
    if (waited % 50 === 0) await keepClaims();
    state = (await claimRows(prisma, [message.id], options.claimMs)).get(message.id) ?? "missing";
  }
  if (state === "busy") return false; // stopped while waiting
  if (state === "consumed") {
    counters.skippedConsumed++;
    return true;
  }
  if (state === "missing") {
    logger.warn({ eventId: message.id, topic: message.topic }, "kafka message has no outbox row here; skipped");
    return true;
  }
  const attempts = options.attempts ?? 10;
  // Retried here while this consumer keeps the row's claim (the claim outlasts the backoffs below).
  for (let attempt = 1; ; attempt++) {
    try {
      await options.handler(message);
      await markConsumed(prisma, message.id, "kafka");
      counters.handled++;
      return true;
    } catch (error) {
      const reason = (error as Error).message;
      counters.failed++;
      if (!running()) {
        await releaseClaims(prisma, [message.id]);
        return false;
      }
      if (attempt >= attempts) {
        // The row stays unconsumed with a backoff: the polling sweeper retries it, and this partition moves on.
        logger.error({ eventId: message.id, topic: message.topic, attempt, err: reason }, "handler failed; left to the polling sweeper");
        await releaseAfterFailure(prisma, message.id, reason);
        return true;
      }
      logger.warn({ eventId: message.id, topic: message.topic, attempt, err: reason }, "handler failed; retrying");
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      await heartbeat();
      await keepClaims(message.id);
    }
  }
}
