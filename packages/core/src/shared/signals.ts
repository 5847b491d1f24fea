// How a service process stops: on SIGINT or SIGTERM it closes once (its server, its connections), then exits 0, or 1
// when closing failed. The broker simulator and the points service stop this way.
import type { Logger } from "pino";

export function closeOnSignals(close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
