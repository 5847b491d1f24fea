/**
 * Runs a batched DELETE (one that removes at most `batchSize` rows) until a batch comes back short: short statements,
 * so pruning never holds long locks against the work that writes the same table. Returns the rows deleted in all.
 */
export async function inBatches(batchSize: number, deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
