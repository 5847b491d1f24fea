// The recon role: reconciliation (대사) on a schedule. Every RECON_INTERVAL_MS each broker's report since the previous
// scheduled window is compared with our books (packages/core/src/recon); several workers may run the role, and one
// of them runs each broker's pass (see claimScheduledRun). On-demand runs come from the console (admin.recon.run).
import { reconcileOnSchedule, sleep, type CoreServices, type MeridianConfig, type ReconSchedule } from "@meridian/core";

/**
 * The schedule for RECON_INTERVAL_MS and RECON_GRACE_MS: each window reaches back over twice the grace, at least a
 * minute.
 */
export function reconSchedule({ intervalMs, graceMs }: MeridianConfig["recon"]): ReconSchedule {
  return { intervalMs, graceMs, overlapMs: Math.max(60_000, 2 * graceMs) };
}

export async function runReconciliationSchedule(
  services: CoreServices,
  schedule: ReconSchedule,
  signal: AbortSignal,
): Promise<void> {
  const logger = services.logger.child({ role: "recon" });
  while (!signal.aborted) {
    try {
      for (const run of await reconcileOnSchedule(services, schedule, signal)) {
        const level = run.error ? "warn" : run.mismatches ? "info" : "debug";
        logger[level](
          {
            runId: run.id,
            brokerId: run.brokerId,
            compared: run.ordersCompared,
            inFlight: run.ordersInFlight,
            mismatches: run.mismatches,
            autoApplied: run.autoApplied,
            error: run.error,
          },
          "reconciliation run",
        );
      }
    } catch (error) {
      logger.error({ err: (error as Error).message }, "reconciliation pass failed");
    }
    await sleep(schedule.intervalMs, signal);
  }
}
