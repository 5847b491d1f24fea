// Refused callbacks are kept for operators to review, then pruned: a flood of forged or broken webhooks must not grow
// the table for ever. A pruned callback's review goes with it (ON DELETE CASCADE). Ledger refusals are order events,
// the brokerage's record, and are never pruned.
import type { PrismaClient } from "@meridian/db";
import { inBatches } from "../shared/inBatches";

export const DEFAULT_REFUSED_CALLBACK_RETENTION_DAYS = 90;
/** Rows per DELETE, as in messaging/retention.ts. */
const BATCH = 5000;

export function checkRefusedCallbackRetentionDays(days: number): number {
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`REFUSED_CALLBACK_RETENTION_DAYS must be a whole number of days, at least 1, got ${days}`);
  return days;
}

/** Deletes refused callbacks received more than `retentionDays` ago, reviewed or not; returns how many. */
export async function pruneRefusedCallbacks(prisma: PrismaClient, retentionDays: number): Promise<number> {
  checkRefusedCallbackRetentionDays(retentionDays);
  return inBatches(
    BATCH,
    () => prisma.$executeRaw`
      DELETE FROM refused_callbacks WHERE id IN (
        SELECT id FROM refused_callbacks WHERE received_at < now() - make_interval(days => ${retentionDays}) LIMIT ${BATCH})`,
  );
}
