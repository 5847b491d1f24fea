// The broker simulator as a process: environment → server → run until SIGINT/SIGTERM.
import { webhookSecretFor } from "@meridian/core/broker";
import { pino } from "pino";
import { BROKER_DEFINITIONS } from "./brokers";
import { createBrokerServer } from "./index";

const logger = pino({ name: "broker", level: process.env.LOG_LEVEL ?? "info" });

function readSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  const secrets: Record<string, string> = {};
  const problems: string[] = [];
  for (const { brokerId } of BROKER_DEFINITIONS) {
    try {
      secrets[brokerId] = webhookSecretFor(brokerId, env);
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

function readPort(text: string | undefined): number {
  const port = Number(text ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`broker simulator cannot start: BROKER_PORT must be a port number, got "${text}"`);
    process.exit(1);
  }
  return port;
}

/** "min,max" in ms, e.g. BROKER_FILL_DELAY_MS=20,80 for fast test runs. */
function readFillDelay(text: string | undefined): [number, number] | undefined {
  if (!text) return undefined;
  const [min, max] = text.split(",").map(Number);
  if (!Number.isInteger(min) || !Number.isInteger(max) || min! < 0 || max! < min!) {
    console.error(`broker simulator cannot start: BROKER_FILL_DELAY_MS must be "min,max" in ms, got "${text}"`);
    process.exit(1);
  }
  return [min!, max!];
}

async function run(): Promise<void> {
  const env = process.env;
  const secrets = readSecrets(env);
  const server = await createBrokerServer({
    port: readPort(env.BROKER_PORT),
    hostname: env.BROKER_HOST || "127.0.0.1",
    receiverUrl: env.RECEIVER_URL || "http://127.0.0.1:4200",
    secrets,
    fillDelayMs: readFillDelay(env.BROKER_FILL_DELAY_MS),
    logger,
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.close().then(
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

run().catch((error: unknown) => {
  logger.error({ err: error }, "broker simulator failed to start");
  process.exit(1);
});
