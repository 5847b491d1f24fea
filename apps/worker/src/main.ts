// The worker's composition root: environment → clients (database, lock, brokers, transport) → roles → run. Roles are
// chosen with --roles (or WORKER_ROLES), all on by default. The transport is Kafka when KAFKA_BROKERS is set (falling
// back to polling the outbox while Kafka is unreachable), polling otherwise; it also runs the outbox relay.
import { parseArgs } from "node:util";
import { assertSchemaMatches } from "@meridian/db/setup";
import {
  createCoreServices,
  createTransportFromEnv,
  invariantsOptionsFromEnv,
  refusedCallbackRetentionDaysFromEnv,
  retentionPolicyFromEnv,
  retryPolicyFromEnv,
} from "@meridian/core";
import { runGateway, runLedger } from "./roles/consumers";
import { runInvariants } from "./roles/invariants";
import { startReceiver } from "./roles/receiver";
import { runRecovery } from "./roles/recovery";
import { reconScheduleFromEnv, runReconciliationSchedule } from "./roles/reconciliation";

const ALL_ROLES = ["gateway", "receiver", "ledger", "recovery", "recon", "invariants"] as const;
type RoleName = (typeof ALL_ROLES)[number];

function selectedRoles(): RoleName[] {
  const { values } = parseArgs({ options: { roles: { type: "string" } }, allowPositionals: false });
  const text = values.roles ?? process.env.WORKER_ROLES ?? ALL_ROLES.join(",");
  const roles = text
    .split(",")
    .map((role) => role.trim())
    .filter(Boolean);
  const unknown = roles.filter((role) => !(ALL_ROLES as readonly string[]).includes(role));
  if (unknown.length) throw new Error(`unknown worker role(s): ${unknown.join(", ")} (known: ${ALL_ROLES.join(", ")})`);
  return roles as RoleName[];
}

async function run(): Promise<void> {
  const roles = selectedRoles();
  const services = createCoreServices({ name: "worker" });
  await assertSchemaMatches(process.env.DATABASE_URL!);
  const shutdown = new AbortController();
  const transport = createTransportFromEnv(services);
  await transport.start(shutdown.signal);
  const running: Promise<unknown>[] = [];
  const receiver = roles.includes("receiver")
    ? await startReceiver(services, Number(process.env.RECEIVER_PORT ?? 4200), process.env, transport)
    : null;
  if (roles.includes("gateway")) running.push(runGateway(services, transport, retryPolicyFromEnv(), shutdown.signal));
  if (roles.includes("ledger")) running.push(runLedger(services, transport, shutdown.signal));
  if (roles.includes("recovery"))
    running.push(
      runRecovery(services, shutdown.signal, 1000, retentionPolicyFromEnv(), refusedCallbackRetentionDaysFromEnv()),
    );
  if (roles.includes("recon"))
    running.push(runReconciliationSchedule(services, reconScheduleFromEnv(), shutdown.signal));
  if (roles.includes("invariants"))
    running.push(runInvariants(services, invariantsOptionsFromEnv(process.env), shutdown.signal));
  services.logger.info(
    { roles, transport: transport.status().mode, receiverPort: receiver ? (process.env.RECEIVER_PORT ?? 4200) : null },
    "worker running",
  );

  const stop = async (signalName: string) => {
    services.logger.info({ signal: signalName }, "worker stopping");
    shutdown.abort();
    receiver?.close();
    await Promise.allSettled(running);
    await transport.close();
    await services.lock.close();
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
