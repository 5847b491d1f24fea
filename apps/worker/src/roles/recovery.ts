import { pruneBrokerCalls } from "@meridian/core/broker";
import { pruneDeliveredMessages, resolveExpiredTcc, reviveAbandonedSubmits, retentionPolicyFromEnv, scheduleDueRetries, type CoreServices, type RetentionPolicy } from "@meridian/core";

const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The recovery role: revives submits a dead worker left behind, queues retries for orders of unknown outcome,
 * settles TCC reservations past their deadline (or hands them to operators), and prunes the broker call log and the
 * pipeline's delivered messages (messaging/retention.ts).
 */
export async function runRecovery(services: CoreServices, signal: AbortSignal, intervalMs = 1000, retention: RetentionPolicy = retentionPolicyFromEnv()): Promise<void> {
  const logger = services.logger.child({ role: "recovery" });
  let prunedAt = 0;
  while (!signal.aborted) {
    try {
      const revived = await reviveAbandonedSubmits(services);
      const retried = await scheduleDueRetries(services);
      const tcc = await resolveExpiredTcc(services);
      if (revived || retried || tcc.confirmed || tcc.expired || tcc.escalated) logger.info({ revived, retried, tcc }, "recovery pass");
      if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        await pruneBrokerCalls(services.prisma);
        const pruned = await pruneDeliveredMessages(services.prisma, retention);
        if (pruned.outbox || pruned.inbox) logger.info({ pruned }, "pruned delivered messages");
      }
    } catch (error) {
      logger.error({ err: (error as Error).message }, "recovery pass failed");
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
