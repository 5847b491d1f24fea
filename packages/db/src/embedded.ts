// The embedded default database: PGlite (Postgres compiled to WASM) served over the Postgres wire protocol, so every
// process connects with `pg` exactly as it would to a real server. Used whenever DATABASE_URL is unset.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedPostgres> {
  const port = options.port ?? 54329;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? "memory://");
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 64 });
  serializeProtocolCycles(server);
  await server.start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Frontend messages after which the same connection must speak next: Parse, Bind, Describe, Execute, Close, Flush,
 * CopyData.
 */
const MID_CYCLE = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48, 0x64]);

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: Error): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/**
 * PGlite has one session; pglite-socket multiplexes connections onto it message by message and keeps an open
 * transaction's messages together. That is not enough for the extended query protocol that `pg` uses: two
 * connections' Parse/Bind/Execute interleave and overwrite each other's unnamed portal ("portal "" does not exist").
 * This keeps a connection's whole cycle, up to its Sync, together as well (and releases the queue after an error,
 * which the original does not).
 */
function serializeProtocolCycles(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let midCycle = false;
  const clearForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    if (queue.lastHandlerId === handlerId) midCycle = false;
    clearForHandler(handlerId);
  };
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const sticky = this.lastHandlerId !== null && (midCycle || this.db.isInTransaction());
        const index = sticky ? this.queue.findIndex((queued) => queued.handlerId === this.lastHandlerId) : 0;
        if (index === -1) break; // the connection that owns the session has not sent its next message yet
        const [query] = this.queue.splice(index, 1) as [QueuedMessage];
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(query.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                query.onData(data);
              },
            }),
          );
        } catch (error) {
          midCycle = false;
          this.lastHandlerId = null;
          query.reject(error as Error);
          continue;
        }
        midCycle = MID_CYCLE.has(query.message[0]!);
        this.lastHandlerId = query.handlerId;
        query.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}
