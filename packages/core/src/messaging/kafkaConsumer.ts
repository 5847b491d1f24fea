// One Kafka consumer session for one topic: joins the topic's group and hands each message's outbox row to the handler,
// many orders at once and each order's messages one at a time, in partition order (keyedLanes.ts). A message's offset
// is resolved only once its handler succeeded and its row was marked consumed, and only as part of the contiguous
// prefix of finished messages (partitionProgress.ts), so a consumer killed mid-batch has its unfinished messages
// redelivered (and the row state or the inbox makes that harmless), while one slow message no longer stalls the
// messages of other orders behind it in its partition.
//
// kafkajs fetches a partition again from its first unresolved offset as soon as eachBatch returns, and fetches nothing
// more from a broker until every batch of the last fetch has returned. So eachBatch never waits for a slow message: it
// starts what it can, waits a moment for what it started, resolves the finished prefix and returns; the messages still
// running stay in this session's memory across calls, and when the next fetch brings them (and the ones finished after
// them) again they are passed by without a database round trip. The same design as Confluent's Parallel Consumer in
// key-ordered mode, on kafkajs.
//
// A message that keeps failing parks its key rather than being skipped: its offset is resolved so the partition moves
// on, but its row stays unconsumed, and so does every later row of its key that comes by (parking.ts); the sweeper
// delivers them in order once the parked one goes through.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import type { EachBatchPayload, Kafka } from "kafkajs";
import type { MessageHandler } from "./claims";
import { coalescedClaims, deliverKafkaMessage, type ConsumerCounters, type DeliveryContext } from "./kafkaDelivery";
import { decodeMessage } from "./kafkaClient";
import { KeyedLanes } from "./keyedLanes";
import type { ParkingPolicy } from "./parking";
import { PartitionProgress } from "./partitionProgress";
import { withTimeout } from "../shared/sleep";
import type { OutboxMessage, Topic } from "./topics";

export type { ConsumerCounters } from "./kafkaDelivery";

export interface KafkaConsumerOptions {
  kafka: Kafka;
  prisma: PrismaClient;
  logger: Logger;
  groupId: string;
  topic: Topic;
  topicName: string;
  handler: MessageHandler;
  /** Partitions kafkajs hands to eachBatch at once. */
  concurrency: number;
  /** Messages handled at once by this consumer, over all its partitions (distinct keys). */
  inFlightLimit: number;
  claimMs: number;
  parking: ParkingPolicy;
  /** The longest eachBatch waits for the messages it started before it returns. Default 50 ms. */
  settleMs?: number;
}

/** One message in a lane: where its offset is tracked, and its outbox row. */
interface Delivery {
  progress: PartitionProgress;
  offset: string;
  message: OutboxMessage;
}

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
  const session = new ConsumerSession(options, counters, signal);
  let crash: Error | null = null;
  const ended = new Promise<void>((resolve) => {
    consumer.on(consumer.events.CRASH, (event) => {
      crash = event.payload.error;
      resolve();
    });
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  // A rebalance that takes a partition away: nothing more of it starts here; what runs finishes (its rows stay claimed,
  // so the partition's new owner waits for them, then finds them consumed).
  consumer.on(consumer.events.GROUP_JOIN, (event) => session.keepOnly(event.payload.memberAssignment[topicName] ?? []));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topicName], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: (payload) => session.consumeBatch(payload),
    });
    logger.info({ groupId, topic: topicName }, "kafka consumer running");
    await ended;
  } finally {
    // Stopping (mode change, shutdown, crash): nothing new starts; the handlers running finish, and what finished is
    // committed while this member is still in its group. Then kafkajs stops fetching, waits for the batch in hand and
    // leaves; unresolved offsets are redelivered to whoever consumes the partition next.
    await session.drain(consumer);
    await withTimeout(consumer.disconnect(), 10_000, "kafka consumer disconnect").catch((error) =>
      logger.warn({ err: (error as Error).message }, "kafka consumer did not disconnect cleanly"),
    );
  }
  if (crash && !signal.aborted) throw crash;
}

/** The state of one consumer session that outlives a single eachBatch call: the lanes and each partition's offsets. */
class ConsumerSession {
  private readonly lanes: KeyedLanes<Delivery>;
  private readonly delivery: DeliveryContext;
  private readonly partitions = new Map<number, PartitionProgress>();
  /** How eachBatch resolves offsets; kept to resolve what finished while the consumer stops. */
  private readonly resolvers = new Map<number, (offset: string) => void>();
  /** Keys whose last message here parked, while later messages of theirs wait in their lane: those are passed by. */
  private readonly parkedKeys = new Set<string>();
  private stopping = false;
  /** A delivery failed outside its handler (the database): thrown from the next eachBatch, as before lanes. */
  private failure: Error | null = null;

  constructor(
    private readonly options: KafkaConsumerOptions,
    private readonly counters: ConsumerCounters,
    private readonly signal: AbortSignal,
  ) {
    this.delivery = { ...options, claim: coalescedClaims(options.prisma, options.claimMs) };
    this.lanes = new KeyedLanes<Delivery>({
      limit: options.inFlightLimit,
      run: (delivery) => this.deliver(delivery),
      dropped: ({ progress, offset }) => progress.release(offset),
    });
  }

  /** Messages taken (running or waiting for their key) at most: a long fetch waits for a later one beyond this. */
  private get takenLimit(): number {
    return this.options.inFlightLimit * 4;
  }

  private active(progress: PartitionProgress): boolean {
    return progress.open && !this.stopping && !this.signal.aborted;
  }

  keepOnly(assigned: number[]): void {
    for (const [partition, progress] of this.partitions) {
      if (assigned.includes(partition)) continue;
      progress.open = false;
      this.partitions.delete(partition);
      this.resolvers.delete(partition);
    }
  }

  async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } = payload;
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
    let progress = this.partitions.get(batch.partition);
    if (!progress) this.partitions.set(batch.partition, (progress = new PartitionProgress()));
    this.resolvers.set(batch.partition, resolveOffset);
    const first = batch.firstOffset();
    if (first !== null) progress.forgetBefore(first);
    const starting = () => this.active(progress) && isRunning() && !isStale();
    for (const raw of batch.messages) {
      if (!starting() || this.lanes.size >= this.takenLimit) break;
      if (!progress.isNew(raw.offset)) continue; // running, waiting behind its key, or finished: no round trip
      const message = decodeMessage(this.options.topic, raw);
      progress.take(raw.offset);
      if (message) this.lanes.push(message.key, { progress, offset: raw.offset, message });
      else progress.finish(raw.offset); // not one of ours: never handed to a handler
    }
    // A moment for what was just started (most messages take milliseconds), so that it is resolved in this pass; a
    // slow one is left running, and the next fetch of this partition comes back here after this pause, not at once.
    const deadline = Date.now() + (this.options.settleMs ?? 50);
    while (progress.unfinished > 0 && Date.now() < deadline && !this.signal.aborted)
      await this.lanes.nextCompletion(deadline - Date.now());
    const resolvable = progress.takeResolvable();
    if (resolvable !== null) resolveOffset(resolvable);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  /** One message's turn in its lane: true once it is finished (its offset may be resolved). */
  private async deliver({ progress, offset, message }: Delivery): Promise<boolean> {
    if (!this.active(progress)) {
      progress.release(offset);
      return false;
    }
    try {
      const behindParked = this.parkedKeys.has(message.key);
      const running = () => this.active(progress);
      const outcome = await deliverKafkaMessage(this.delivery, this.counters, message, running, behindParked);
      if (outcome === "parked" && this.lanes.hasWaiting(message.key)) this.parkedKeys.add(message.key);
      else this.parkedKeys.delete(message.key);
      if (outcome === "stopped") {
        progress.release(offset);
        return false;
      }
      progress.finish(offset);
      return true;
    } catch (error) {
      // The database, not the handler (whose failures are retried and park): the message is let go, this key waits,
      // and the next eachBatch fails so that kafkajs restarts the session (and the transport probes Kafka).
      this.options.logger.error(
        { eventId: message.id, topic: message.topic, err: (error as Error).message },
        "kafka delivery failed",
      );
      this.failure ??= error as Error;
      this.parkedKeys.delete(message.key);
      progress.release(offset);
      return false;
    }
  }

  /**
   * No new deliveries; waits (bounded) for the running ones, then resolves and commits each partition's finished prefix.
   */
  async drain(consumer: ReturnType<Kafka["consumer"]>): Promise<void> {
    this.stopping = true;
    await withTimeout(this.lanes.close(), 15_000, "kafka handlers in flight").catch((error) =>
      this.options.logger.warn({ err: (error as Error).message }, "kafka consumer stops with handlers still running"),
    );
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [partition, progress] of this.partitions) {
      const resolvable = progress.takeResolvable();
      const resolve = this.resolvers.get(partition);
      if (resolvable === null || !resolve) continue;
      // Resolved as well as committed, so that kafkajs's own commits never go back to an older resolved offset.
      resolve(resolvable);
      offsets.push({ topic: this.options.topicName, partition, offset: (BigInt(resolvable) + 1n).toString() });
    }
    if (offsets.length)
      await consumer
        .commitOffsets(offsets)
        .catch((error) =>
          this.options.logger.warn({ err: (error as Error).message }, "could not commit offsets while stopping"),
        );
  }
}
