import { pruneBrokerCalls } from "@meridian/core/broker";
import {
  deliverFeePointsBranches,
  pruneDeliveredMessages,
  pruneRefusedCallbacks,
  releaseHoldsOfClosedOrders,
  resolveExpiredTcc,
  reviveAbandonedSubmits,
  scheduleDueRetries,
  sleep,
  type CoreServices,
  type RetentionPolicy,
} from "@meridian/core";
import type { Logger } from "pino";

const PRUNE_EVERY_MS = 60 * 60_000;
/** The sweep of closed orders' holds is a net for what escaped closeOrder (it scans closed orders): once a minute. */
const CLOSED_HOLDS_EVERY_MS = 60_000;

/** How often due Confirms and Cancels of the fee points branches are sent; each has its own backoff (POINTS_RETRY_*). */
const BRANCH_DELIVERY_MS = 200;

/**
 * The recovery role: revives submits a dead worker left behind, queues retries for orders of unknown outcome,
 * settles TCC reservations past their deadline (or hands them to operators), releases what closed orders still hold,
 * sends the fee points branches' Confirms and Cancels until acknowledged, and prunes the broker call log, the
 * pipeline's delivered messages (messaging/retention.ts) and old refused callbacks (receiver/retention.ts). Its
 * settings come from the process's configuration (SUBMIT_ABANDONED_MS and the *_RETENTION_DAYS).
 */
export async function runRecovery(services: CoreServices, signal: AbortSignal, intervalMs = 1000): Promise<void> {
  await Promise.all([runRecoveryPasses(services, signal, intervalMs), runBranchDelivery(services, signal)]);
}

async function runBranchDelivery(services: CoreServices, signal: AbortSignal): Promise<void> {
  const logger = services.logger.child({ role: "recovery", task: "fee points branches" });
  while (!signal.aborted) {
    try {
      const delivered = await deliverFeePointsBranches(services);
      if (delivered.acknowledged || delivered.failed || delivered.refused) logger.info(delivered, "branch ends sent");
    } catch (error) {
      logger.error({ err: (error as Error).message }, "branch delivery failed");
    }
    await sleep(BRANCH_DELIVERY_MS, signal);
  }
}

async function runRecoveryPasses(services: CoreServices, signal: AbortSignal, intervalMs: number): Promise<void> {
  const logger = services.logger.child({ role: "recovery" });
  const { retention } = services.config;
  const refusedCallbackDays = retention.refusedCallbackDays;
  // A SUBMITTING order older than this has lost its worker (the broker call itself times out much sooner).
  const { abandonedSubmitMs } = services.config.recovery;
  let prunedAt = 0;
  let sweptClosedAt = 0;
  while (!signal.aborted) {
    try {
      const revived = await reviveAbandonedSubmits(services, abandonedSubmitMs);
      const retried = await scheduleDueRetries(services);
      const tcc = await resolveExpiredTcc(services);
      let releasedHolds = 0;
      if (Date.now() - sweptClosedAt > CLOSED_HOLDS_EVERY_MS) {
        sweptClosedAt = Date.now();
        releasedHolds = await releaseHoldsOfClosedOrders(services);
      }
      if (revived || retried || tcc.confirmed || tcc.expired || tcc.escalated || releasedHolds)
        logger.info({ revived, retried, tcc, releasedHolds }, "recovery pass");
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
