// What an operator needs to see about the pipeline: which transport carries messages now, and how far behind each
// topic is. Served by the worker at GET /health; the operator console can call the same function.
import type { PrismaClient } from "@meridian/db";
import { ALL_TOPICS, topicSpec, type Topic } from "./topics";
import type { Transport, TransportStatus } from "./transport";

export interface TopicLag {
  topic: Topic;
  /** Rows its consumer has not handled yet (for a fan-out topic: rows not yet published). */
  unconsumed: number;
  /** Of those, rows the relay has not published to Kafka either. */
  unpublished: number;
  /** Age of the oldest of them, in milliseconds; null when there is none. */
  oldestAgeMs: number | null;
}

export interface TransportHealth extends Omit<TransportStatus, "since" | "changes"> {
  since: string;
  changes: { at: string; from: string; to: string; reason: string }[];
  lag: TopicLag[];
}

export async function transportLag(prisma: PrismaClient): Promise<TopicLag[]> {
  const consumed = ALL_TOPICS.filter((topic) => topicSpec(topic).consumer !== null);
  const rows = await prisma.$queryRaw<
    { topic: string; unconsumed: bigint; unpublished: bigint; oldest_age_ms: number | null }[]
  >`
    SELECT topic,
           count(*) FILTER (WHERE topic = ANY(${consumed}) OR published_at IS NULL) AS unconsumed,
           count(*) FILTER (WHERE published_at IS NULL) AS unpublished,
           (extract(epoch FROM clock_timestamp() - min(created_at) FILTER (WHERE topic = ANY(${consumed}) OR published_at IS NULL)) * 1000)::float8 AS oldest_age_ms
      FROM outbox_events
     WHERE topic = ANY(${ALL_TOPICS}) AND consumed_at IS NULL
     GROUP BY topic`;
  const byTopic = new Map(rows.map((row) => [row.topic, row]));
  return ALL_TOPICS.map((topic) => {
    const row = byTopic.get(topic);
    return {
      topic,
      unconsumed: Number(row?.unconsumed ?? 0),
      unpublished: Number(row?.unpublished ?? 0),
      oldestAgeMs: row?.oldest_age_ms == null ? null : Math.round(row.oldest_age_ms),
    };
  });
}

/** The transport's mode (and why, and since when) with each topic's lag. JSON-ready. */
export async function transportHealth(
  prisma: PrismaClient,
  transport: Pick<Transport, "status">,
): Promise<TransportHealth> {
  const status = transport.status();
  return {
    ...status,
    since: status.since.toISOString(),
    changes: status.changes.map((change) => ({ ...change, at: change.at.toISOString() })),
    lag: await transportLag(prisma),
  };
}

export interface PipelineView {
  /** The worker's own report (mode, changes, lag), or null when no worker answered. */
  worker: TransportHealth | null;
  workerError: string | null;
  /** Read from the database directly, so the console shows the backlog even with every worker down. */
  lag: TopicLag[];
}

/** For the console: ask a worker for its transport status at `workerHealthUrl`, and read the lag from the database. */
export async function pipelineView(prisma: PrismaClient, workerHealthUrl: string): Promise<PipelineView> {
  const [worker, lag] = await Promise.all([
    fetch(workerHealthUrl, { signal: AbortSignal.timeout(1500) })
      .then(async (response) => ({
        health: ((await response.json()) as { transport?: TransportHealth }).transport ?? null,
        error: null,
      }))
      .catch((error: Error) => ({
        health: null,
        error: `no worker answered at ${workerHealthUrl} (${error.message}); start one with npm start`,
      })),
    transportLag(prisma),
  ]);
  return { worker: worker.health, workerError: worker.error, lag };
}
