// The fee points service as a process: environment → configuration (read once; a wrong value stops it here) → its
// own database and HTTP server → run until SIGINT/SIGTERM.
import { ConfigError, loadConfig, type MeridianConfig } from "@meridian/core/config";
import { closeOnSignals } from "@meridian/core/signals";
import { pino } from "pino";
import { createPointsService } from "./index";

function readConfig(): MeridianConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`points service cannot start: ${error.message}`);
    process.exit(1);
  }
}

const config = readConfig();
const logger = pino({ name: "points", level: config.log.level });

function readSecret(): string {
  const secret = config.points.secret;
  if (secret) return secret;
  console.error(
    "points service cannot start: POINTS_SERVICE_SECRET is unset. Set the same secret here and in the worker and web " +
      "(generate one with `openssl rand -base64 48`).",
  );
  process.exit(1);
}

async function run(): Promise<void> {
  const settings = config.points.service;
  const service = await createPointsService({
    port: settings.port,
    hostname: settings.host,
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
    secret: readSecret(),
    coordinatorUrl: config.worker.receiverUrl,
    sweepAfterMs: settings.sweepAfterMs,
    sweepEveryMs: settings.sweepEveryMs,
    demoSeed: settings.demoSeed,
    logger,
  });

  closeOnSignals(() => service.close(), logger);
}

run().catch((error: unknown) => {
  logger.error({ err: error }, "points service failed to start");
  process.exit(1);
});
