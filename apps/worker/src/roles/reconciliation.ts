// The recon role: reconciliation (대사) on a schedule. Every RECON_INTERVAL_MS each broker's report since the previous
// scheduled window is compared with our books (packages/core/src/recon); several workers may run the role, and one
// of them runs each broker's pass (see claimScheduledRun). On-demand runs come from the console (admin.recon.run).
import {
  reconcileOnSchedule,
  reconGraceMs,
  sleepUnlessAborted,
  type CoreServices,
  type ReconSchedule,
} from "@meridian/core";

export const DEFAULT_RECON_INTERVAL_MS = 5 * 60_000;

export function reconScheduleFromEnv(env: NodeJS.ProcessEnv = process.env): ReconSchedule {
  const intervalMs = Number(env.RECON_INTERVAL_MS ?? DEFAULT_RECON_INTERVAL_MS);
  if (!Number.isInteger(intervalMs) || intervalMs < 1000)
    throw new Error(`RECON_INTERVAL_MS must be a whole number of ms ≥ 1000, got "${env.RECON_INTERVAL_MS}"`);
  const graceMs = reconGraceMs(env);
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
    await sleepUnlessAborted(schedule.intervalMs, signal);
  }
}
