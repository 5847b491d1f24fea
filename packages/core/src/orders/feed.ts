// The order-change feed of one web process: a single poller tails `order_events` (every order change writes a row
// there, see transition.ts) and hands each new row to in-memory subscribers. It reads the database rather than a
// Kafka topic so that it works the same in both transport modes. The poller runs only while someone subscribes.
import type { OrderStatus, PrismaClient } from "@meridian/db";
import type { Logger } from "pino";
import { sleep } from "../shared/sleep";

export interface OrderChangeEvent {
  /** The `order_events` row id, as a string (a bigint does not survive JSON). */
  eventId: string;
  orderId: string;
  accountId: string;
  symbol: string;
  /** The order's status when the feed read the event (a later event may already have moved it on). */
  status: OrderStatus;
  kind: string;
  /** When the change was written, ISO 8601. */
  at: string;
}

export type OrderChangeListener = (change: OrderChangeEvent) => void;

export interface OrderFeedOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** How often the poller looks for new rows. */
  pollMs?: number;
  /** How long a missing id is waited for before it is taken for a rolled-back insert. */
  gapWaitMs?: number;
  batchSize?: number;
}

// Ids are taken from the sequence at insert, but rows become visible at commit: a transaction that took id 41 can
// commit after the one that took id 42, so a plain `id > cursor` tail reads 42, moves past 41 and never sees it.
// Instead every id the cursor skips is remembered as a gap and asked for by id on each poll until it shows up or
// `gapWaitMs` passes (then it belonged to a transaction that rolled back). A lookback by `created_at` would also work,
// but `created_at` is the transaction's start time, not its commit time, and there is no index on it; the gap list
// costs a primary-key lookup per missing id instead of re-reading every recent row. Events of one order are never
// reordered by this: a transaction that changes an order holds its row lock until commit, so the next change of the
// same order takes a higher id only after the earlier one is visible.
const GAP_SCAN_IDS = 1_000n;
const MAX_GAPS = 10_000;

/** One start-to-stop life of the poller; its state dies with it, so a quick stop and start never share a cursor. */
interface PollerRun {
  abort: AbortController;
  /** Settles once the run knows where to start; changes written after that are delivered. */
  primed: Promise<void>;
  markPrimed(): void;
  cursor: bigint;
  /** Missing id → when to stop waiting for it (epoch ms). */
  gaps: Map<bigint, number>;
}

type EventRow = {
  id: bigint;
  orderId: string;
  kind: string;
  createdAt: Date;
  order: { accountId: string; symbol: string; status: OrderStatus };
};

export class OrderFeed {
  private readonly listeners = new Set<OrderChangeListener>();
  private run: PollerRun | null = null;
  private loops = 0;
  private readonly pollMs: number;
  private readonly gapWaitMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: OrderFeedOptions) {
    this.pollMs = options.pollMs ?? 400;
    this.gapWaitMs = options.gapWaitMs ?? 30_000;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Starts the poller with the first subscriber; the returned function unsubscribes, and the last one stops it. */
  subscribe(listener: OrderChangeListener): () => void {
    this.listeners.add(listener);
    if (!this.run) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Resolves once the running poller knows where it starts reading: every change written after that is delivered. */
  whenStarted(): Promise<void> {
    return this.run?.primed ?? Promise.resolve();
  }

  /** True while a poll loop is still alive (it finishes its current read after a stop). */
  get polling(): boolean {
    return this.loops > 0;
  }

  private start(): void {
    let markPrimed = () => {};
    const primed = new Promise<void>((resolve) => (markPrimed = resolve));
    const run: PollerRun = { abort: new AbortController(), primed, markPrimed, cursor: 0n, gaps: new Map() };
    this.run = run;
    this.loops += 1;
    void this.loop(run).finally(() => (this.loops -= 1));
  }

  private stop(): void {
    this.run?.abort.abort();
    this.run?.markPrimed();
    this.run = null;
  }

  private async loop(run: PollerRun): Promise<void> {
    const { signal } = run.abort;
    let primed = false;
    while (!signal.aborted) {
      let full = false;
      try {
        if (primed) {
          full = await this.poll(run);
        } else {
          await this.prime(run);
          primed = true;
          run.markPrimed();
        }
      } catch (error) {
        this.options.logger.warn({ err: (error as Error).message }, "order feed poll failed; retrying");
      }
      if (!full) await sleep(this.pollMs, signal);
    }
  }

  /** Starts at the newest row, with any id missing just below it noted as a gap: it may be a commit still to come. */
  private async prime(run: PollerRun): Promise<void> {
    const { prisma } = this.options;
    const newest = (await prisma.orderEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const floor = newest > GAP_SCAN_IDS ? newest - GAP_SCAN_IDS : 0n;
    const present = await prisma.orderEvent.findMany({
      where: { id: { gt: floor, lte: newest } },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    run.cursor = floor;
    this.advance(
      run,
      present.map((row) => row.id),
    );
  }

  /**
   * One read: rows past the cursor plus late arrivals in the gaps. True when the batch was full (read again at once).
   */
  private async poll(run: PollerRun): Promise<boolean> {
    this.expireGaps(run);
    const rows: EventRow[] = await this.options.prisma.orderEvent.findMany({
      where: { OR: [{ id: { gt: run.cursor } }, { id: { in: [...run.gaps.keys()] } }] },
      orderBy: { id: "asc" },
      take: this.batchSize,
      select: {
        id: true,
        orderId: true,
        kind: true,
        createdAt: true,
        order: { select: { accountId: true, symbol: true, status: true } },
      },
    });
    if (run.abort.signal.aborted) return false;
    this.advance(
      run,
      rows.map((row) => row.id),
    );
    for (const row of rows) this.emit(toChange(row));
    return rows.length === this.batchSize;
  }

  /** Moves the cursor over `ids` (ascending), noting every id it skips as a gap and clearing gaps that arrived. */
  private advance(run: PollerRun, ids: bigint[]): void {
    const waitUntil = Date.now() + this.gapWaitMs;
    for (const id of ids) {
      if (id <= run.cursor) {
        run.gaps.delete(id);
        continue;
      }
      for (let missing = run.cursor + 1n; missing < id && run.gaps.size < MAX_GAPS; missing += 1n)
        run.gaps.set(missing, waitUntil);
      run.cursor = id;
    }
  }

  private expireGaps(run: PollerRun): void {
    const now = Date.now();
    for (const [id, waitUntil] of run.gaps) if (waitUntil <= now) run.gaps.delete(id);
  }

  private emit(change: OrderChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.options.logger.error({ err: (error as Error).message }, "order feed subscriber failed");
      }
    }
  }
}

function toChange(row: EventRow): OrderChangeEvent {
  return {
    eventId: row.id.toString(),
    orderId: row.orderId,
    accountId: row.order.accountId,
    symbol: row.order.symbol,
    status: row.order.status,
    kind: row.kind,
    at: row.createdAt.toISOString(),
  };
}
