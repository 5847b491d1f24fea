// Per-order order on a real Kafka: a message whose handler keeps failing parks its key instead of being skipped, and
// a claim is kept alive while a slow handler runs, so the sweeper never runs the same message a second time at once.
import { randomBytes, randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import {
  deletePipelineTopics,
  KafkaTransport,
  listParkedMessages,
  orderCommandsTopic,
  writeOutbox,
  type KafkaTransportOptions,
} from "@meridian/core";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { describeKafka, kafkaBrokers } from "./kafkaSupport";
import { waitUntil } from "./system";
import { recorder } from "@meridian/core/testing";

const silent = pino({ level: "silent" });

describeKafka("per-order order on Kafka", () => {
  let db: TestDatabase;
  let namespace: string;
  let stop: AbortController;
  let transport: KafkaTransport | null = null;

  const publish = (key: string, eventType: string) =>
    db.prisma.$transaction(async (tx) => {
      await writeOutbox(tx, { topic: orderCommandsTopic("atlas"), key, eventType, payload: { eventType } });
      return tx.outboxEvent.findFirstOrThrow({ where: { key, eventType } });
    });
  const startTransport = async (options: Partial<KafkaTransportOptions>) => {
    transport = new KafkaTransport({
      prisma: db.prisma,
      logger: silent,
      brokers: kafkaBrokers.split(","),
      namespace,
      probeMs: 250,
      ...options,
    });
    await transport.start(stop.signal);
    return transport;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  beforeEach(async () => {
    // Topics and groups of their own per test: no offsets or messages carried over.
    namespace = `t${randomBytes(4).toString("hex")}.`;
    stop = new AbortController();
    await db.prisma.outboxEvent.deleteMany();
  });
  afterEach(async () => {
    stop.abort();
    await transport?.close();
    transport = null;
    await deletePipelineTopics(
      { brokers: kafkaBrokers.split(","), clientId: "meridian-test", namespace },
      silent,
    ).catch(() => {});
  });
  afterAll(async () => db?.drop());

  it("a message that keeps failing parks its key: the order's later messages wait for the sweeper, other orders flow on Kafka, all in order", async () => {
    const [orderK, orderL] = [randomUUID(), randomUUID()];
    let failing = true;
    const submitK = await publish(orderK, "SUBMIT");
    const probe = recorder(async (message) => {
      if (failing && message.id === submitK.id) throw new Error("broker adapter down");
    });
    // The sweeper takes no row for its age here (10 min): order K's messages can only come back as a parked key.
    const transport = await startTransport({
      sweepAfterMs: 600_000,
      sweepIdleMs: 100,
      parking: { parkAfterAttempts: 3, parkedRetryMs: 1500 },
    });
    const running = transport.consume(
      { role: "gateway", topic: orderCommandsTopic("atlas"), handler: probe.handler },
      stop.signal,
    );
    const cancelK = await publish(orderK, "CANCEL");
    const otherOrder = [await publish(orderL, "SUBMIT"), await publish(orderL, "CANCEL")];
    await waitUntil(
      async () =>
        (await listParkedMessages(db.prisma)).some((parked) => parked.id === submitK.id && parked.waiting === 1),
      60_000,
      "order K's SUBMIT parked, its CANCEL waiting",
    );
    await waitUntil(
      () => otherOrder.every((row) => probe.succeeded.includes(row.id)),
      60_000,
      "order L's messages handled",
    );
    expect(probe.started).not.toContain(cancelK.id);
    expect(transport.counters.gateway!.passedParked).toBe(1);
    // Published while the key is parked: Kafka passes it by too.
    const amendK = await publish(orderK, "AMEND");
    await waitUntil(() => transport.counters.gateway!.passedParked === 2, 60_000, "order K's AMEND passed by");

    failing = false;
    await waitUntil(
      () => probe.succeeded.includes(amendK.id),
      60_000,
      "order K's messages handled after the slow retry",
    );
    stop.abort();
    await running;
    const orderKRuns = probe.started.filter((id) => id !== otherOrder[0]!.id && id !== otherOrder[1]!.id);
    expect(orderKRuns.slice(-3)).toEqual([submitK.id, cancelK.id, amendK.id]);
    expect(new Set(orderKRuns.slice(0, -2))).toEqual(new Set([submitK.id]));
    expect(await listParkedMessages(db.prisma)).toEqual([]);
    const via = Object.fromEntries((await db.prisma.outboxEvent.findMany()).map((row) => [row.id, row.consumedVia]));
    expect([submitK, cancelK, amendK, ...otherOrder].map((row) => via[row.id])).toEqual([
      "polling",
      "polling",
      "polling",
      "kafka",
      "kafka",
    ]);
  });

  it("a handler slower than its claim is never run twice at once by the sweeper", async () => {
    const probe = recorder((message) =>
      message.eventType === "WARMUP" ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, 1000)),
    );
    // Claims of 300 ms and a sweeper that looks every 50 ms for any row older than 500 ms whose claim has lapsed.
    const running = (
      await startTransport({ claimMs: 300, sweepAfterMs: 500, sweepIdleMs: 50, consumerConcurrency: 2 })
    ).consume({ role: "gateway", topic: orderCommandsTopic("atlas"), handler: probe.handler }, stop.signal);
    const viaKafka = () => db.prisma.outboxEvent.count({ where: { consumedVia: "kafka" } });
    // Until a message has gone through Kafka, the consumer may not have joined its group yet.
    let warmedAt = 0;
    const warmedUp = async () => {
      if (Date.now() - warmedAt > 1000) {
        warmedAt = Date.now();
        await publish(randomUUID(), "WARMUP");
      }
      return (await viaKafka()) > 0;
    };
    await waitUntil(warmedUp, 60_000, "the Kafka consumer running");
    const rows: { id: string }[] = [];
    for (let i = 0; i < 8; i++) rows.push(await publish(randomUUID(), "SUBMIT"));
    await waitUntil(
      async () => (await db.prisma.outboxEvent.count({ where: { consumedAt: null } })) === 0,
      60_000,
      "every message handled",
    );
    stop.abort();
    await running;
    expect(probe.mostAtOnce()).toBe(1);
    expect(probe.started.filter((id) => rows.some((row) => row.id === id))).toHaveLength(rows.length);
    // Kafka delivered some of them (the rest of each chunk waited past its first claim) while the sweeper looked on.
    expect(
      await db.prisma.outboxEvent.count({ where: { id: { in: rows.map((row) => row.id) }, consumedVia: "kafka" } }),
    ).toBeGreaterThan(0);
  });
});
