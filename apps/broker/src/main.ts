// The broker simulator as a process: environment → configuration (read once; a wrong value stops it here) → server →
// run until SIGINT/SIGTERM.
import { webhookSecretFor } from "@meridian/core/broker";
import { ConfigError, loadConfig, type MeridianConfig } from "@meridian/core/config";
import { closeOnSignals } from "@meridian/core/signals";
import { pino } from "pino";
import { BROKER_DEFINITIONS } from "./brokers";
import { createBrokerServer } from "./index";

function readConfig(): MeridianConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`broker simulator cannot start: ${error.message}`);
    process.exit(1);
  }
}

const config = readConfig();
const logger = pino({ name: "broker", level: config.log.level });

function readSecrets(): Record<string, string> {
  const secrets: Record<string, string> = {};
  const problems: string[] = [];
  for (const { brokerId } of BROKER_DEFINITIONS) {
    try {
      secrets[brokerId] = webhookSecretFor(brokerId, config.brokers.webhookSecrets);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    console.error(`broker simulator cannot start:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  return secrets;
}

async function run(): Promise<void> {
  const server = await createBrokerServer({
    port: config.simulator.port,
    hostname: config.simulator.host,
    receiverUrl: config.worker.receiverUrl,
    secrets: readSecrets(),
    fillDelayMs: config.simulator.fillDelayMs,
    logger,
  });

  closeOnSignals(() => server.close(), logger);
}

run().catch((error: unknown) => {
  logger.error({ err: error }, "broker simulator failed to start");
  process.exit(1);
});
