// The polling transport: consumers claim unconsumed outbox rows of their topic straight from the database. It is the
// embedded default and the failover when Kafka is down; it takes any row not yet consumed, whether or not the relay
// had published it, so nothing Kafka held when it went away is stranded. A claim is a short lease, so a consumer that
// dies mid-batch leaves its rows to be claimed again (and the inbox makes the redelivery harmless).
import type { PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { claimBatch, deliver, releaseClaims, type MessageHandler } from "./delivery";
import { sleepUnlessAborted } from "./sleep";
import type { OutboxMessage, Topic } from "./topics";

export interface PollingConsumerOptions {
  prisma: PrismaClient;
  topic: Topic;
  handler: MessageHandler;
  logger: Logger;
  batchSize?: number;
  idleMs?: number;
  claimMs?: number;
  /** Only rows at least this old: the sweeper that runs beside a Kafka consumer and picks up what Kafka did not deliver. */
  olderThanMs?: number;
}

function groupByKey(batch: OutboxMessage[]): Map<string, OutboxMessage[]> {
  const groups = new Map<string, OutboxMessage[]>();
  for (const message of batch) groups.set(message.key, [...(groups.get(message.key) ?? []), message]);
  return groups;
}

export async function runPollingConsumer(options: PollingConsumerOptions, signal: AbortSignal): Promise<void> {
  const { prisma, topic, handler, logger, batchSize = 20, idleMs = 100, claimMs = 30_000, olderThanMs = 0 } = options;
  /** A failure stops its key's rows (released for a later claim) so that they are never handled out of order. */
  const deliverInOrder = async (rows: OutboxMessage[]) => {
    for (const [index, message] of rows.entries()) {
      if (!signal.aborted && (await deliver(prisma, message, handler, logger, "polling"))) continue;
      await releaseClaims(prisma, rows.slice(index + (signal.aborted ? 0 : 1)).map((rest) => rest.id));
      return;
    }
  };
  logger.debug({ topic, olderThanMs }, "polling consumer started");
  while (!signal.aborted) {
    let batch: OutboxMessage[] = [];
    try {
      batch = await claimBatch(prisma, topic, batchSize, claimMs, olderThanMs);
      // A batch holds at most one row per key (claimBatch takes each key's oldest), so the rows run side by side: a
      // slow broker call for one order does not hold up every other order.
      await Promise.all([...groupByKey(batch).values()].map((rows) => deliverInOrder(rows)));
    } catch (error) {
      logger.error({ topic, err: (error as Error).message }, "polling failed");
    }
    if (batch.length < batchSize) await sleepUnlessAborted(idleMs, signal);
  }
}
