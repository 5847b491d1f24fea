import { pruneBrokerCalls } from "@meridian/core/broker";
import {
  pruneDeliveredMessages,
  pruneRefusedCallbacks,
  resolveExpiredTcc,
  reviveAbandonedSubmits,
  scheduleDueRetries,
  sleep,
  type CoreServices,
  type RetentionPolicy,
} from "@meridian/core";
import type { Logger } from "pino";

const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The recovery role: revives submits a dead worker left behind, queues retries for orders of unknown outcome,
 * settles TCC reservations past their deadline (or hands them to operators), and prunes the broker call log, the
 * pipeline's delivered messages (messaging/retention.ts) and old refused callbacks (receiver/retention.ts). Its
 * settings come from the process's configuration (SUBMIT_ABANDONED_MS and the *_RETENTION_DAYS).
 */
export async function runRecovery(services: CoreServices, signal: AbortSignal, intervalMs = 1000): Promise<void> {
  const logger = services.logger.child({ role: "recovery" });
  const { retention } = services.config;
  const refusedCallbackDays = retention.refusedCallbackDays;
  // A SUBMITTING order older than this has lost its worker (the broker call itself times out much sooner).
  const { abandonedSubmitMs } = services.config.recovery;
  let prunedAt = 0;
  while (!signal.aborted) {
    try {
      const revived = await reviveAbandonedSubmits(services, abandonedSubmitMs);
      const retried = await scheduleDueRetries(services);
      const tcc = await resolveExpiredTcc(services);
      if (revived || retried || tcc.confirmed || tcc.expired || tcc.escalated)
        logger.info({ revived, retried, tcc }, "recovery pass");
      if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        await prune(services, logger, retention, refusedCallbackDays);
      }
    } catch (error) {
      logger.error({ err: (error as Error).message }, "recovery pass failed");
    }
    await sleep(intervalMs, signal);
  }
}

async function prune(
  services: CoreServices,
  logger: Logger,
  retention: RetentionPolicy,
  refusedCallbackDays: number,
): Promise<void> {
  await pruneBrokerCalls(services.prisma);
  const pruned = await pruneDeliveredMessages(services.prisma, retention);
  if (pruned.outbox || pruned.inbox) logger.info({ pruned }, "pruned delivered messages");
  const refusedCallbacks = await pruneRefusedCallbacks(services.prisma, refusedCallbackDays);
  if (refusedCallbacks)
    logger.info({ refusedCallbacks, retentionDays: refusedCallbackDays }, "pruned refused callbacks");
}
