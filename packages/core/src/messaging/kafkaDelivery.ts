// One Kafka message's delivery, once its turn in its key's lane has come (kafkaConsumer.ts): claim its outbox row, wait
// while another consumer holds it or an earlier row of its order, pass it by when it was consumed already or its order
// is parked, and otherwise run the handler, retrying in place while this consumer keeps the claim, until it succeeds
// or has had its attempts and parks its key.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
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
import { parkBehind, parkIfExhausted, type ParkingPolicy } from "./parking";
import { sleep } from "../shared/sleep";
import type { OutboxMessage } from "./topics";

export interface DeliveryContext {
  prisma: PrismaClient;
  logger: Logger;
  handler: MessageHandler;
  claimMs: number;
  parking: ParkingPolicy;
  /** Claims one row; the claims asked for in the same tick go to the database as one statement. */
  claim: (id: string) => Promise<RowState>;
}

export interface ConsumerCounters {
  handled: number;
  /** Redeliveries whose row was consumed already: they never reach the handler. */
  skippedConsumed: number;
  failed: number;
  /** Messages passed by because their key is parked: left unconsumed for the sweeper, which delivers them in order. */
  passedParked: number;
}

/** What became of one message: finished ("handled", "skipped", "parked": its offset may be resolved) or "stopped". */
export type Outcome = "handled" | "skipped" | "parked" | "stopped";

/**
 * Batches the claims of the messages started together (an eachBatch starts many at once) into one claimRows. Never
 * two rows of one key in a statement: a key's next message starts only after the one before it finished.
 */
export function coalescedClaims(prisma: PrismaClient, claimMs: number): (id: string) => Promise<RowState> {
  let asked: { id: string; resolve: (state: RowState) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = asked;
    asked = [];
    claimRows(
      prisma,
      batch.map(({ id }) => id),
      claimMs,
    ).then(
      (states) => batch.forEach(({ id, resolve }) => resolve(states.get(id) ?? "missing")),
      (error) => batch.forEach(({ reject }) => reject(error)),
    );
  };
  return (id) =>
    new Promise((resolve, reject) => {
      asked.push({ id, resolve, reject });
      if (asked.length === 1) setImmediate(flush);
    });
}

/**
 * `running` turns false when the consumer stops or loses the partition: a message not handled yet is "stopped".
 * `behindParked`: the message before it in its lane has just parked, so it is passed by without asking the database.
 */
export async function deliverKafkaMessage(
  context: DeliveryContext,
  counters: ConsumerCounters,
  message: OutboxMessage,
  running: () => boolean,
  behindParked: boolean,
): Promise<Outcome> {
  const initialState = behindParked ? "parked" : await context.claim(message.id);
  const state = await waitWhileBusy(context, message, initialState, running);
  switch (state) {
    case "busy":
      return "stopped"; // stopped while waiting
    case "consumed":
      counters.skippedConsumed++;
      return "skipped";
    case "missing":
      context.logger.warn(
        { eventId: message.id, topic: message.topic },
        "kafka message has no outbox row here; skipped",
      );
      return "skipped";
    case "parked":
      await parkBehind(context.prisma, message.id);
      counters.passedParked++;
      return "parked";
    case "claimed":
      if (!running()) {
        await releaseClaims(context.prisma, [message.id]);
        return "stopped";
      }
      return handleWithRetries(context, counters, message, running);
  }
}

/** Another consumer holds this row, or an earlier row of its key (a sweeper finishing it, a mode change): wait. */
async function waitWhileBusy(
  context: DeliveryContext,
  message: OutboxMessage,
  initialState: RowState,
  running: () => boolean,
): Promise<RowState> {
  let state = initialState;
  while (state === "busy" && running()) {
    await sleep(100);
    state = await context.claim(message.id);
  }
  return state;
}

/** Retried here while this consumer keeps the row's claim, until it succeeds or has had its attempts and parks. */
async function handleWithRetries(
  context: DeliveryContext,
  counters: ConsumerCounters,
  message: OutboxMessage,
  running: () => boolean,
): Promise<Outcome> {
  const { prisma, logger, claimMs } = context;
  const keepClaim = () => extendClaims(prisma, [message.id], claimMs);
  for (let attempt = 1; ; attempt++) {
    try {
      await whileRenewingClaims(keepClaim, claimMs, logger, () => context.handler(message));
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
      if (await parkIfExhausted(prisma, message.id, reason, context.parking)) {
        logger.error(
          { eventId: message.id, topic: message.topic, key: message.key, attempt, err: reason },
          "handler keeps failing; its key is parked",
        );
        return "parked";
      }
      logger.warn({ eventId: message.id, topic: message.topic, attempt, err: reason }, "handler failed; retrying");
      // The backoff keeps the claim: a sweeper must not take the row meanwhile.
      await whileRenewingClaims(keepClaim, claimMs, logger, () => sleep(Math.min(2000, 100 * 2 ** attempt)));
      await countRetry(prisma, message.id, reason);
      await keepClaim();
    }
  }
}
