// The polling transport: consumers claim unconsumed outbox rows of their topic straight from the database. It is the
// embedded default and the failover when Kafka is down; it takes any row not yet consumed, whether or not the relay
// had published it, so nothing Kafka held when it went away is stranded. A claim is a short lease, so a consumer that
// dies mid-batch leaves its rows to be claimed again (and the inbox makes the redelivery harmless), and a live one
// renews the claim while its handler runs. A row that keeps failing parks its key (parking.ts); beside a Kafka consumer
// this same loop is the sweeper that retries parked rows and delivers the rows waiting behind them.
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { claimBatch, deliver, releaseClaims, type ClaimedMessage, type MessageHandler } from "./claims";
import { DEFAULT_PARKING, type ParkingPolicy } from "./parking";
import { sleep } from "../shared/sleep";
import type { Topic } from "./topics";

export interface PollingConsumerOptions {
  prisma: PrismaClient;
  topic: Topic;
  handler: MessageHandler;
  logger: Logger;
  batchSize?: number;
  idleMs?: number;
  claimMs?: number;
  /**
   * Only rows at least this old: the sweeper that runs beside a Kafka consumer and picks up what Kafka did not deliver.
   */
  olderThanMs?: number;
  parking?: ParkingPolicy;
}

function groupByKey(batch: ClaimedMessage[]): Map<string, ClaimedMessage[]> {
  const groups = new Map<string, ClaimedMessage[]>();
  for (const message of batch) groups.set(message.key, [...(groups.get(message.key) ?? []), message]);
  return groups;
}

export async function runPollingConsumer(options: PollingConsumerOptions, signal: AbortSignal): Promise<void> {
  const {
    prisma,
    topic,
    handler,
    logger,
    batchSize = 20,
    idleMs = 100,
    claimMs = 30_000,
    olderThanMs = 0,
    parking = DEFAULT_PARKING,
  } = options;
  /** A failure stops its key's rows (released for a later claim) so that they are never handled out of order. */
  const deliverInOrder = async (rows: ClaimedMessage[]) => {
    for (const [index, message] of rows.entries()) {
      if (!signal.aborted && (await deliver(prisma, message, handler, { logger, claimMs, parking }))) continue;
      await releaseClaims(
        prisma,
        rows.slice(index + (signal.aborted ? 0 : 1)).map((rest) => rest.id),
      );
      return;
    }
  };
  logger.debug({ topic, olderThanMs }, "polling consumer started");
  while (!signal.aborted) {
    let batch: ClaimedMessage[] = [];
    try {
      batch = await claimBatch(prisma, topic, batchSize, claimMs, olderThanMs);
      // A batch holds at most one row per key (claimBatch takes each key's oldest), so the rows run side by side: a
      // slow broker call for one order does not hold up every other order.
      await Promise.all([...groupByKey(batch).values()].map((rows) => deliverInOrder(rows)));
    } catch (error) {
      logger.error({ topic, err: (error as Error).message }, "polling failed");
    }
    // A parked row that went through has the rows of its key right behind it, already waiting: look again at once.
    if (batch.length < batchSize && !batch.some((message) => message.parked)) await sleep(idleMs, signal);
  }
}
