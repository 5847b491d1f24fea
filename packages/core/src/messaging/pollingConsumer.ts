// The polling transport: consumers claim unconsumed outbox rows of their topic straight from the database. It is the
// embedded default and the failover when Kafka is down; it takes any row not yet consumed, whether or not the relay
// had published it, so nothing Kafka held when it went away is stranded. A claim is a short lease, so a consumer that
// dies mid-batch leaves its rows to be claimed again (and the inbox makes the redelivery harmless), and a live one
// renews the claim while its handler runs. A row that keeps failing parks its key (parking.ts); beside a Kafka consumer
// this same loop is the sweeper that retries parked rows and delivers the rows waiting behind them.
//
// A pipeline, not batch after batch: whenever fewer than `inFlightLimit` rows are in hand, it claims more, so one slow
// row (a broker call that times out) never holds up the claim of the rows behind it. claimBatch takes only each key's
// oldest unconsumed row, and a row in hand is unconsumed, so its order's next row is not claimed until it is handled:
// one order's rows still run one at a time and in order.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { claimBatch, deliver, releaseClaims, type ClaimedMessage, type MessageHandler } from "./claims";
import { KeyedLanes } from "./keyedLanes";
import { DEFAULT_PARKING, type ParkingPolicy } from "./parking";
import { sleep } from "../shared/sleep";
import type { Topic } from "./topics";

export interface PollingConsumerOptions {
  prisma: PrismaClient;
  topic: Topic;
  handler: MessageHandler;
  logger: Logger;
  /** Rows claimed by one statement at most. Default 20. */
  batchSize?: number;
  /** Rows handled at once at most (distinct keys). Default 20. */
  inFlightLimit?: number;
  idleMs?: number;
  claimMs?: number;
  /**
   * Only rows at least this old: the sweeper that runs beside a Kafka consumer and picks up what Kafka did not deliver.
   */
  olderThanMs?: number;
  parking?: ParkingPolicy;
}

export async function runPollingConsumer(options: PollingConsumerOptions, signal: AbortSignal): Promise<void> {
  const {
    prisma,
    topic,
    handler,
    logger,
    batchSize = 20,
    inFlightLimit = 20,
    idleMs = 100,
    claimMs = 30_000,
    olderThanMs = 0,
    parking = DEFAULT_PARKING,
  } = options;
  /** Wakes the idle pause: a parked row went through, and the rows of its key are due right behind it. */
  let nap = new AbortController();
  const releasing: Promise<void>[] = [];
  const release = (message: ClaimedMessage) =>
    releasing.push(
      releaseClaims(prisma, [message.id]).catch((error) =>
        logger.warn({ topic, err: (error as Error).message }, "could not release a claim"),
      ),
    );
  const lanes = new KeyedLanes<ClaimedMessage>({
    limit: inFlightLimit,
    run: async (message) => {
      if (signal.aborted) {
        release(message); // claimed, never started: free it now rather than when its claim runs out
        return false;
      }
      try {
        await deliver(prisma, message, handler, { logger, claimMs, parking });
      } catch (error) {
        // The database, not the handler: the claim lapses and the row is claimed again.
        logger.error({ topic, eventId: message.id, err: (error as Error).message }, "polling delivery failed");
      }
      if (message.parked) nap.abort();
      return true;
    },
    dropped: release,
  });
  logger.debug({ topic, olderThanMs }, "polling consumer started");
  while (!signal.aborted) {
    const room = Math.min(batchSize, inFlightLimit - lanes.size);
    if (room <= 0) {
      await lanes.nextCompletion(idleMs);
      continue;
    }
    let claimed: ClaimedMessage[] = [];
    try {
      claimed = await claimBatch(prisma, topic, room, claimMs, olderThanMs);
    } catch (error) {
      logger.error({ topic, err: (error as Error).message }, "polling failed");
    }
    for (const message of claimed) if (!lanes.push(message.key, message)) release(message);
    // A full claim: more rows are likely waiting, claim again as soon as there is room. A short one while rows are in
    // hand: the next row of a key in hand becomes claimable when that one is handled, so look again then (a backlog
    // of a few busy orders is worked at the speed of their handlers, not of the idle pause). Otherwise pause, unless
    // a parked row is going through and the rows of its key follow.
    if (claimed.length === room) continue;
    if (nap.signal.aborted) nap = new AbortController();
    else if (lanes.size > 0) await lanes.nextCompletion(idleMs);
    else await sleep(idleMs, AbortSignal.any([signal, nap.signal]));
    if (nap.signal.aborted) nap = new AbortController();
  }
  await lanes.close();
  await Promise.all(releasing);
}
