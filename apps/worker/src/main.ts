// The worker's composition root: environment → configuration (read once; a wrong value stops it here) → clients
// (database, lock, brokers, transport) → roles → run. Roles are chosen with --roles (or WORKER_ROLES), all on by
// default; `gateway:<brokerId>` runs the gateway for one broker's orders only. The transport is Kafka when
// KAFKA_BROKERS is set (falling back to polling the outbox while Kafka is unreachable), polling otherwise; it also runs
// the outbox relay.
import { parseArgs } from "node:util";
import { assertSchemaMatches } from "@meridian/db/setup";
import {
  createCoreServices,
  createTransport,
  DEFAULT_INVARIANTS_OPTIONS,
  loadConfig,
  readWorkerRoles,
  type MeridianConfig,
  type WorkerRoles,
} from "@meridian/core";
import { runGateway, runLedger } from "./roles/consumers";
import { runInvariants } from "./roles/invariants";
import { startReceiver } from "./roles/receiver";
import { runRecovery } from "./roles/recovery";
import { runSagas } from "./roles/sagas";
import { reconSchedule, runReconciliationSchedule } from "./roles/reconciliation";

/** --roles, else WORKER_ROLES (checked with the rest of the configuration); both read by readWorkerRoles. */
function selectedRoles(config: MeridianConfig): WorkerRoles {
  const { values } = parseArgs({ options: { roles: { type: "string" } }, allowPositionals: false });
  if (values.roles === undefined) return config.worker;
  try {
    return readWorkerRoles(values.roles);
  } catch (error) {
    throw new Error(`--roles ${(error as Error).message}, got "${values.roles}"`);
  }
}

async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const { roles, gatewayBrokers } = selectedRoles(config);
  if (!config.database.url)
    throw new Error("DATABASE_URL is not set. `npm start` starts the embedded Postgres and sets it for the worker.");
  // The receiver answers the points service's sweep and recovery sends it Confirms and Cancels: both need the secret.
  if (!config.points.secret && (roles.includes("receiver") || roles.includes("recovery")))
    throw new Error(
      "POINTS_SERVICE_SECRET is not set. Set the secret the fee points service was started with (`npm start` makes one per run).",
    );
  const services = createCoreServices({ config, name: "worker" });
  await assertSchemaMatches(config.database.url);
  const shutdown = new AbortController();
  const transport = createTransport(services, config.transport, config.parking);
  await transport.start(shutdown.signal);
  const running: Promise<unknown>[] = [];
  const receiverPort = config.worker.receiverPort;
  const receiver = roles.includes("receiver") ? await startReceiver(services, receiverPort, transport) : null;
  if (roles.includes("gateway"))
    running.push(runGateway(services, transport, services.retryPolicy, shutdown.signal, gatewayBrokers));
  if (roles.includes("ledger")) running.push(runLedger(services, transport, shutdown.signal));
  if (roles.includes("recovery")) running.push(runRecovery(services, shutdown.signal));
  if (roles.includes("recon"))
    running.push(runReconciliationSchedule(services, reconSchedule(config.recon), shutdown.signal));
  if (roles.includes("saga")) running.push(runSagas(services, shutdown.signal));
  if (roles.includes("invariants"))
    running.push(runInvariants(services, { ...DEFAULT_INVARIANTS_OPTIONS, ...config.invariants }, shutdown.signal));
  services.logger.info(
    { roles, gatewayBrokers, transport: transport.status().mode, receiverPort: receiver ? receiverPort : null },
    "worker running",
  );

  const stop = async (signalName: string) => {
    services.logger.info({ signal: signalName }, "worker stopping");
    shutdown.abort();
    receiver?.close();
    await Promise.allSettled(running);
    await transport.close();
    await services.lock.close();
    await services.flow.close();
    await services.prisma.$disconnect();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

run().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
