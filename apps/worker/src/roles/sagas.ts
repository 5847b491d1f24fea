// The saga role: runs the exchanges and buys paid in won (packages/core fx/) and the compensation registry's retries,
// and sweeps conversions their saga no longer waits for (booked if the desk made them, released if not), until the
// worker stops.
import { FX_SAGA_DEFINITIONS, SagaRunner, settleAbandonedConversions, sleep, type CoreServices } from "@meridian/core";

const SWEEP_EVERY_MS = 30_000;
/** A conversion is left alone this long after it was requested: its saga may still be about to finish it. */
const ABANDONED_AFTER_MS = 5 * 60_000;

export async function runSagas(services: CoreServices, signal: AbortSignal): Promise<void> {
  const runner = new SagaRunner(services, FX_SAGA_DEFINITIONS, services.config.sagas);
  runner.start();
  while (!signal.aborted) {
    await sleep(SWEEP_EVERY_MS, signal).catch(() => undefined);
    if (signal.aborted) break;
    await settleAbandonedConversions(services, { olderThanMs: ABANDONED_AFTER_MS }).catch((error: unknown) =>
      services.logger.warn({ err: error }, "saga role: sweeping abandoned conversions failed; next time"),
    );
  }
  await runner.stop();
}
