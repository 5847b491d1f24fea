// Group commit for placements: the ledger's batching (settlement/ledgerBatcher.ts) applied to placeOrder. One account's
// orders are serialized by its lock, and each used to take the lock, open a transaction, fence it and commit (a WAL
// flush) on its own. Here the placements of one account waiting in this process share one lock acquisition, one
// transaction, one fence statement and one COMMIT. There is no timer: an account's first placement goes at once, and
// those that arrive while its transaction runs make up the next batch (up to MAX_BATCH).
//
// Each placement of a batch runs behind its own SAVEPOINT, so that a refusal — not enough buying power, shares or
// points (a DomainError), or a second request with the same idempotency key (refused by the unique index) — rolls back
// that placement alone and is its answer, while the others commit. Any other error aborts the batch, and each
// placement then runs again alone, as it would without batching. Every answer, a refusal too, is given after the
// batch's transaction ended: an order is never reported before the commit that holds it, and a refusal (which an
// earlier placement of the batch may have caused) is never given for a batch that did not commit.
//
// The transaction's memos must stay true across a rollback to a savepoint: the ledger's own-writes memo is forgotten
// (ledger/ownWrites.ts). Placements do not hold appends back (shared/appendOnly.ts): their timeline event and outbox row
// are written at once, by the statement that opens the TCC transaction, so a rollback takes them with it.
import type { Order, Tx } from "@meridian/db";
import { forgetOwnWrites } from "../ledger/ownWrites";
import { inAccountTransaction, nameWriter, type Writer } from "../lock/accountTransaction";
import type { CoreServices } from "../services";
import { AccountBusyError, DomainError, ServiceUnavailableError } from "../shared/errors";
import { GroupCommitQueues } from "../shared/groupCommit";
import { isKeyCollision } from "./idempotencyKey";

/**
 * The most placements in one transaction: it keeps the transaction (and the lock) short, and each placement is a
 * subtransaction with an id of its own, of which PostgreSQL keeps 64 per session in shared memory before it spills them
 * to pg_subtrans, which slows every other session's snapshots.
 */
const MAX_BATCH = 50;

/** One placement's writes inside the account's transaction: the order, its TCC Try, its event and outbox row. */
export type Placement = (tx: Tx) => Promise<Order>;

interface Waiting {
  writer: Writer;
  placement: Placement;
  resolve: (order: Order) => void;
  reject: (error: unknown) => void;
}

type Outcome = { placed: Order } | { refused: unknown };

export class PlacementBatcher {
  private readonly queues = new GroupCommitQueues<Waiting>(MAX_BATCH, (accountId, batch) => this.run(accountId, batch));

  constructor(private readonly services: Pick<CoreServices, "prisma" | "lock">) {}

  /** Runs `placement` for `accountId` in the account's next transaction; settles once that transaction has. */
  place(accountId: string, writer: Writer, placement: Placement): Promise<Order> {
    return new Promise<Order>((resolve, reject) => this.queues.push(accountId, { writer, placement, resolve, reject }));
  }

  /** A batch in one transaction; if it fails for any reason but a refusal, each placement alone. */
  private async run(accountId: string, batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return this.runAlone(accountId, batch[0]!);
    let outcomes: Outcome[];
    try {
      outcomes = await inAccountTransaction(this.services, accountId, batch[0]!.writer, (tx) => placeEach(tx, batch));
    } catch (error) {
      // A busy account stays busy for each placement alone, and a dependency that is down (the lock's Redis) stays
      // down: they hear it now rather than one wait after another.
      if (error instanceof AccountBusyError || error instanceof ServiceUnavailableError)
        for (const entry of batch) entry.reject(error);
      else for (const entry of batch) await this.runAlone(accountId, entry);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i]!;
      if ("placed" in outcome) entry.resolve(outcome.placed);
      else entry.reject(outcome.refused);
    });
  }

  /** One placement in a transaction of its own, without a savepoint: a refusal aborts it, as it always did. */
  private async runAlone(accountId: string, entry: Waiting): Promise<void> {
    try {
      entry.resolve(await inAccountTransaction(this.services, accountId, entry.writer, entry.placement));
    } catch (error) {
      entry.reject(error);
    }
  }
}

/**
 * The batch's placements one after another, each behind a savepoint that a refusal rolls back to. The savepoints are
 * not released one by one (a round trip each): they nest, and COMMIT releases them all. The change history names each
 * placement's writer: the fence statement named the first, and a writer that differs from the one before is named
 * before its savepoint, so that no rollback undoes the naming.
 */
async function placeEach(tx: Tx, batch: Waiting[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let named = batch[0]!.writer;
  for (const { writer, placement } of batch) {
    if (writer.actor !== named.actor || writer.cause !== named.cause) {
      await nameWriter(tx, writer);
      named = writer;
    }
    await tx.$executeRaw`SAVEPOINT placement`;
    try {
      outcomes.push({ placed: await placement(tx) });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT placement`;
      forgetOwnWrites(tx);
      outcomes.push({ refused: error });
    }
  }
  return outcomes;
}

/** A placement's own answer, which leaves the transaction usable once rolled back to the placement's savepoint. */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError || isKeyCollision(error);
}

const batchers = new WeakMap<Pick<CoreServices, "prisma" | "lock">, PlacementBatcher>();

/** The process's placement batcher for these services (one per CoreServices, so per process). */
export function placementBatcherOf(services: Pick<CoreServices, "prisma" | "lock">): PlacementBatcher {
  let batcher = batchers.get(services);
  if (!batcher) batchers.set(services, (batcher = new PlacementBatcher(services)));
  return batcher;
}
