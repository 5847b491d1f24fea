// The saga role: runs the exchanges and buys paid in won (packages/core fx/), and the compensation registry's retries,
// until the worker stops.
import { FX_SAGA_DEFINITIONS, SagaRunner, type CoreServices } from "@meridian/core";

export async function runSagas(services: CoreServices, signal: AbortSignal): Promise<void> {
  const runner = new SagaRunner(services, FX_SAGA_DEFINITIONS, services.config.sagas);
  runner.start();
  await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  await runner.stop();
}
