// The execution pipeline on a real Kafka: 1,000 executions from two brokers, 15% of them delivered twice, all in
// shuffled order, through receiver → outbox → relay → Kafka → ledger. Each is applied exactly once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { findLedgerViolations, type KafkaTransport } from "@meridian/core";
import { startSystem, waitUntil, type TestSystem } from "./system";
import {
  deliverExecutions,
  describeKafka,
  executionsFor,
  expectExactlyOnce,
  kafkaBrokers,
  placeRestingOrders,
  seededRandom,
  waitForMode,
  waitForOrders,
  withDuplicates,
} from "./kafkaSupport";

describeKafka("execution pipeline on Kafka", () => {
  let system: TestSystem;

  beforeAll(async () => {
    // The sweeper is pushed out of reach, so every message below is delivered by Kafka and only by Kafka.
    system = await startSystem({ kafka: { brokers: kafkaBrokers, sweepAfterMs: 600_000 } });
    await waitForMode(system, "kafka", 30_000);
  });
  afterAll(async () => system?.close());

  it("applies 1,000 executions with 15% duplicates in shuffled order exactly once", async () => {
    const random = seededRandom(20261122);
    const orders = await placeRestingOrders(system, 50, 20, "once");
    const executions = executionsFor(orders, random);
    expect(executions.length).toBe(1000);
    const deliveries = withDuplicates(executions, 0.15, random);

    const answers = await deliverExecutions(system, deliveries);
    expect(answers).toEqual({ stored: 1000, duplicate: 150 });
    await waitForOrders(system, orders, ["FILLED"], 180_000, "every order FILLED");

    await expectExactlyOnce(system, orders, executions);
    const viaKafka = await system.db.prisma.outboxEvent.count({
      where: { topic: "executions", consumedVia: "kafka", publishedAt: { not: null } },
    });
    expect(viaKafka).toBe(1000);
    const transport = system.transport as KafkaTransport;
    expect(transport.status().changes.filter((change) => change.to === "polling")).toEqual([]);
    expect(transport.counters.ledger?.handled).toBe(1000);
  });

  it("an execution that would overfill is stored, refused by the ledger with a reason on the timeline, and changes nothing", async () => {
    const { prisma } = system.db;
    const [order] = await placeRestingOrders(system, 1, 2, "overfill");
    const [first, second] = executionsFor([order!], seededRandom(7), "OVER");
    const overfill = { ...second!, body: second!.body.replace('"quantity":"1"', '"quantity":"2"'), quantity: 2 };
    expect(await deliverExecutions(system, [first!], 1)).toEqual({ stored: 1, duplicate: 0 });
    await waitUntil(
      async () =>
        (await prisma.order.findUniqueOrThrow({ where: { id: order!.id } })).filledQuantity.toString() === "1",
      30_000,
      "first fill applied",
    );
    const before = await prisma.ledgerEntry.count({ where: { orderId: order!.id } });
    expect(await deliverExecutions(system, [overfill], 1)).toEqual({ stored: 1, duplicate: 0 });
    await waitUntil(
      async () => (await prisma.orderEvent.count({ where: { orderId: order!.id, kind: "EXECUTION_REFUSED" } })) === 1,
      30_000,
      "overfill refused",
    );
    const refused = await prisma.orderEvent.findFirstOrThrow({
      where: { orderId: order!.id, kind: "EXECUTION_REFUSED" },
    });
    expect(refused.cause).toMatch(/overfill/);
    const after = await prisma.order.findUniqueOrThrow({ where: { id: order!.id } });
    expect([after.filledQuantity.toString(), after.status]).toEqual(["1", "PARTIALLY_FILLED"]);
    expect(await prisma.ledgerEntry.count({ where: { orderId: order!.id } })).toBe(before);
    expect(
      await prisma.outboxEvent.count({ where: { topic: "executions", key: order!.id, consumedVia: "kafka" } }),
    ).toBe(2);
    expect(await findLedgerViolations(prisma)).toEqual([]);
  });
});
