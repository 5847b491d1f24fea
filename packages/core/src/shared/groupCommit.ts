// Group commit per key (an account), without a timer: a key's first item goes at once, and the items that arrive
// while its batch runs make up the next batch (up to `maxBatch`), so a quiet key waits for nothing and a busy one is
// worked in batches as large as its backlog. One batch per key runs at a time. Used by the ledger
// (settlement/ledgerBatcher.ts) and by placements (orders/placementBatcher.ts); `runBatch` settles its items itself
// and must not throw.
export class GroupCommitQueues<T> {
  private readonly waiting = new Map<string, T[]>();
  private readonly draining = new Set<string>();

  constructor(
    private readonly maxBatch: number,
    private readonly runBatch: (key: string, batch: T[]) => Promise<void>,
  ) {}

  push(key: string, item: T): void {
    const queue = this.waiting.get(key) ?? [];
    queue.push(item);
    this.waiting.set(key, queue);
    if (!this.draining.has(key)) void this.drain(key);
  }

  private async drain(key: string): Promise<void> {
    this.draining.add(key);
    try {
      for (let queue = this.waiting.get(key); queue?.length; queue = this.waiting.get(key)) {
        const batch = queue.splice(0, this.maxBatch);
        if (queue.length === 0) this.waiting.delete(key);
        await this.runBatch(key, batch);
      }
    } finally {
      this.draining.delete(key);
    }
  }
}
