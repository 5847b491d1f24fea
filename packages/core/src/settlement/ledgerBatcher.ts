// Group commit for the ledger. The consumers hand executions over one at a time, many at once (one per order in
// flight); the batcher applies each account's waiting executions together, in one transaction under one lock
// acquisition (applyExecutions), instead of one transaction and one lock per execution. There is no timer: an
// account's first execution goes at once, and those that arrive while its transaction runs make up the next batch, so
// a quiet account waits for nothing and a busy one is applied in batches as large as its backlog (up to `maxBatch`).
//
// Nothing is acknowledged before its commit: each caller's promise settles when the transaction holding its execution
// committed or failed. A batch that fails is split in halves until the execution that fails is alone; it is rejected
// on its own (the consumer retries it and, if it keeps failing, parks its order), and the others are applied.
import type { CoreServices } from "../services";
import { GroupCommitQueues } from "../shared/groupCommit";
import { applyExecutions, type ApplyOutcome } from "./applyExecution";

interface Waiting {
  receiptId: string;
  resolve: (outcome: ApplyOutcome) => void;
  reject: (error: unknown) => void;
}

export interface LedgerBatcherOptions {
  /** The most executions one transaction applies. */
  maxBatch?: number;
  /** Called with the size of every batch that committed: for metrics and benchmarks. */
  onBatch?: (size: number) => void;
}

export class LedgerBatcher {
  private readonly queues: GroupCommitQueues<Waiting>;

  constructor(
    private readonly services: CoreServices,
    private readonly options: LedgerBatcherOptions = {},
  ) {
    this.queues = new GroupCommitQueues(options.maxBatch ?? 200, (accountId, batch) =>
      this.applySplitting(accountId, batch),
    );
  }

  /**
   * Applies an `ExecutionReceived` message's execution; settles once its transaction has. Messages stored before they
   * carried the account have it looked up.
   */
  async applyMessage(payload: { receiptId: string; accountId?: string }): Promise<ApplyOutcome> {
    const accountId =
      payload.accountId ??
      (
        await this.services.prisma.executionReceipt.findUniqueOrThrow({
          where: { id: payload.receiptId },
          select: { order: { select: { accountId: true } } },
        })
      ).order.accountId;
    return this.apply(accountId, payload.receiptId);
  }

  /** Applies the stored execution `receiptId` of an order of `accountId`; settles once its transaction has. */
  apply(accountId: string, receiptId: string): Promise<ApplyOutcome> {
    return new Promise<ApplyOutcome>((resolve, reject) => this.queues.push(accountId, { receiptId, resolve, reject }));
  }

  /** Applies `batch` in one transaction; on failure, each half on its own, down to the execution that fails. */
  private async applySplitting(accountId: string, batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await applyExecutions(
        this.services,
        accountId,
        batch.map((entry) => entry.receiptId),
      );
      this.options.onBatch?.(batch.length);
      for (const entry of batch) entry.resolve(outcomes.get(entry.receiptId)!);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.applySplitting(accountId, batch.slice(0, half));
      await this.applySplitting(accountId, batch.slice(half));
    }
  }
}
