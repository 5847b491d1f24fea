// A ledger consumer killed mid-batch (SIGKILL, its offsets partly uncommitted) is replaced by another; the messages it
// had handled but not committed come again and change nothing. Then every execution is redelivered on purpose (offsets
// reset, delivery marks erased) and the inbox alone keeps the books unchanged.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyExecution, transportLag, TOPICS, type KafkaTransport } from "@meridian/core";
import { Kafka, logLevel } from "kafkajs";
import { startSystem, stopProcess, waitUntil, type TestSystem } from "./system";
import {
  deliverExecutions,
  describeKafka,
  executionsFor,
  expectExactlyOnce,
  kafkaBrokers,
  placeRestingOrders,
  seededRandom,
  waitForOrders,
  withDuplicates,
} from "./kafkaSupport";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

describeKafka("Kafka consumer killed mid-batch", () => {
  let system: TestSystem;
  const children: ChildProcess[] = [];
  const stopConsumers = new AbortController();

  // A worker process with only the given roles, on this system's database and Kafka namespace.
  const spawnRoles = (roles: string, extraEnv: NodeJS.ProcessEnv = {}) => {
    const env = { ...system.env, RECEIVER_PORT: new URL(system.receiverUrl).port, KAFKA_PROBE_MS: "250", ...extraEnv };
    const child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts", "--roles", roles], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    system = await startSystem({ inProcessWorker: false, kafka: { brokers: kafkaBrokers, sweepAfterMs: 600_000 } });
    spawnRoles("gateway,receiver,recovery");
    await waitUntil(
      () =>
        fetch(`${system.receiverUrl}/health`).then(
          (response) => response.ok,
          () => false,
        ),
      30_000,
      "front worker up",
    );
  });
  afterAll(async () => {
    stopConsumers.abort();
    await system?.transport.close();
    await Promise.all(children.map((child) => stopProcess(child, "SIGKILL")));
    await system?.close();
  });

  it("redelivers what the killed consumer had not committed and applies none of it twice", async () => {
    const { prisma } = system.db;
    const random = seededRandom(42);
    const orders = await placeRestingOrders(system, 20, 20, "kill");
    const executions = executionsFor(orders, random);
    expect(await deliverExecutions(system, withDuplicates(executions, 0.15, random))).toEqual({
      stored: 400,
      duplicate: 60,
    });
    const lagOf = async () => (await transportLag(prisma)).find((lag) => lag.topic === TOPICS.executions)!;
    await waitUntil(async () => (await lagOf()).unpublished === 0, 60_000, "every execution published to Kafka");
    expect((await lagOf()).unconsumed).toBe(400);

    // The first ledger consumer dies while it is working through its batches. The account lock it may hold is a lease
    // (short here) that its replacement waits out.
    const doomed = spawnRoles("ledger", { LOCK_LEASE_MS: "5000" });
    await waitUntil(
      async () => (await prisma.inboxEvent.count({ where: { consumer: "ledger" } })) >= 60,
      60_000,
      "the first ledger consumer applying",
    );
    await stopProcess(doomed, "SIGKILL");
    const appliedByDoomed = await prisma.inboxEvent.count({ where: { consumer: "ledger" } });
    const markedByDoomed = await prisma.outboxEvent.count({
      where: { topic: TOPICS.executions, consumedAt: { not: null } },
    });
    const committed = await committedMessages(
      `${system.env.KAFKA_TOPIC_PREFIX}meridian.ledger`,
      `${system.env.KAFKA_TOPIC_PREFIX}${TOPICS.executions}`,
    );
    expect(appliedByDoomed).toBeLessThan(400);

    // Its replacement, in this process, counts what the handler sees.
    const transport = system.transport as KafkaTransport;
    await transport.start(stopConsumers.signal);
    const outcomes = { applied: 0, "late-fill": 0, duplicate: 0, refused: 0 };
    const ledgerOf = (signal: AbortSignal) =>
      transport.consume(
        {
          role: "ledger",
          topic: TOPICS.executions,
          handler: async (message) => {
            outcomes[await applyExecution(system.services, (message.payload as { receiptId: string }).receiptId)]++;
          },
        },
        signal,
      );
    const firstRun = new AbortController();
    const running = ledgerOf(AbortSignal.any([stopConsumers.signal, firstRun.signal]));
    await waitForOrders(system, orders, ["FILLED"], 180_000, "every order FILLED");
    await expectExactlyOnce(system, orders, executions);

    const redelivered = transport.counters.ledger!.skippedConsumed + outcomes.duplicate;
    console.log(
      `killed after ${appliedByDoomed} applied (${markedByDoomed} marked, ${committed} offsets committed); ${redelivered} redelivered, ${outcomes.applied} applied by the replacement`,
    );
    expect(outcomes.applied + appliedByDoomed).toBe(400);
    expect(transport.counters.ledger!.skippedConsumed).toBe(markedByDoomed - committed);
    expect(redelivered).toBeGreaterThanOrEqual(markedByDoomed - committed);

    // Everything again: the group's offsets back to the start, every delivery mark erased. Only the inbox stands in the
    // way.
    firstRun.abort();
    await running;
    // Offsets were committed for everything handled (on the way out at the latest).
    expect(
      await committedMessages(
        `${system.env.KAFKA_TOPIC_PREFIX}meridian.ledger`,
        `${system.env.KAFKA_TOPIC_PREFIX}${TOPICS.executions}`,
      ),
    ).toBe(400);
    const books = await booksSnapshot(system);
    await resetToEarliest(
      `${system.env.KAFKA_TOPIC_PREFIX}meridian.ledger`,
      `${system.env.KAFKA_TOPIC_PREFIX}${TOPICS.executions}`,
    );
    await prisma.outboxEvent.updateMany({
      where: { topic: TOPICS.executions },
      data: { consumedAt: null, consumedVia: null },
    });
    Object.assign(outcomes, { applied: 0, "late-fill": 0, duplicate: 0, refused: 0 });
    const replay = ledgerOf(stopConsumers.signal);
    await waitUntil(async () => (await lagOf()).unconsumed === 0, 120_000, "every execution delivered again");
    expect(outcomes).toEqual({ applied: 0, "late-fill": 0, duplicate: 400, refused: 0 });
    expect(await booksSnapshot(system)).toEqual(books);
    await expectExactlyOnce(system, orders, executions);
    stopConsumers.abort();
    await replay;
  });
});

function admin() {
  return new Kafka({
    clientId: "meridian-test-admin",
    brokers: kafkaBrokers.split(","),
    logLevel: logLevel.NOTHING,
  }).admin();
}

async function committedMessages(groupId: string, topic: string): Promise<number> {
  const client = admin();
  await client.connect();
  try {
    const [offsets] = await client.fetchOffsets({ groupId, topics: [topic] });
    return (offsets?.partitions ?? []).reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
  } finally {
    await client.disconnect();
  }
}

async function resetToEarliest(groupId: string, topic: string): Promise<void> {
  const client = admin();
  await client.connect();
  try {
    // The group must be empty; the consumer that just left may take a moment to be gone.
    await waitUntil(
      async () => (await client.describeGroups([groupId])).groups[0]?.members.length === 0,
      30_000,
      "ledger group empty",
    );
    await client.resetOffsets({ groupId, topic, earliest: true });
  } finally {
    await client.disconnect();
  }
}

async function booksSnapshot(system: TestSystem) {
  const { prisma } = system.db;
  const [cash, holdings, entries, fills] = await Promise.all([
    prisma.cashBalance.findMany({ orderBy: [{ accountId: "asc" }, { currency: "asc" }] }),
    prisma.holding.findMany({ orderBy: [{ accountId: "asc" }, { symbol: "asc" }] }),
    prisma.ledgerEntry.count(),
    prisma.orderEvent.count({ where: { kind: "FILL" } }),
  ]);
  return JSON.stringify({ cash, holdings, entries, fills });
}
