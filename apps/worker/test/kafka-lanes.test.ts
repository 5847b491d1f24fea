// On a real Kafka: one order whose handler hangs (a broker call that does not answer) holds up only its own later
// messages. The other orders on its partition are handled meanwhile; its CANCEL waits and then follows its SUBMIT; and
// the group's committed offset never passes the hung message until it has finished.
import { randomBytes, randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { Kafka, Partitioners } from "kafkajs";
import { deletePipelineTopics, KafkaTransport, orderCommandsTopic, topicSpec, writeOutbox } from "@meridian/core";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { describeKafka, kafkaBrokers } from "./kafkaSupport";
import { waitUntil } from "./system";

const silent = pino({ level: "silent" });

/** `count` order ids that kafkajs's default partitioner puts on one partition of atlas's command topic. */
function keysOnOnePartition(count: number): { partition: number; keys: string[] } {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from(
    { length: topicSpec(orderCommandsTopic("atlas")).partitions },
    (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }),
  );
  const partitionOf = (key: string) => partitioner({ topic: "t", partitionMetadata, message: { key, value: null } });
  const first = randomUUID();
  const partition = partitionOf(first);
  const keys = [first];
  while (keys.length < count) {
    const key = randomUUID();
    if (partitionOf(key) === partition) keys.push(key);
  }
  return { partition, keys };
}

describeKafka("key-ordered parallelism on Kafka", () => {
  let db: TestDatabase;
  let namespace: string;
  let stop: AbortController;
  let transport: KafkaTransport | null = null;

  const publish = (key: string, eventType: string) =>
    db.prisma.$transaction(async (tx) => {
      await writeOutbox(tx, { topic: orderCommandsTopic("atlas"), key, eventType, payload: { eventType } });
      return tx.outboxEvent.findFirstOrThrow({ where: { key, eventType } });
    });

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  beforeEach(async () => {
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

  it("a hung message holds back only its own order: other orders on its partition flow, its CANCEL waits and follows in order, the committed offset stays at it", async () => {
    const { partition, keys } = keysOnOnePartition(25);
    const [hungKey, ...otherKeys] = keys as [string, ...string[]];
    let releaseHung!: () => void;
    const hang = new Promise<void>((resolve) => (releaseHung = resolve));
    const started: string[] = [];
    const succeeded: string[] = [];
    const runningByKey = new Map<string, number>();
    let mostAtOnceOfOneKey = 0;
    const hungSubmit = await publish(hungKey, "SUBMIT");
    const handler = async (message: { id: string; key: string }) => {
      started.push(message.id);
      runningByKey.set(message.key, (runningByKey.get(message.key) ?? 0) + 1);
      mostAtOnceOfOneKey = Math.max(mostAtOnceOfOneKey, runningByKey.get(message.key)!);
      try {
        if (message.id === hungSubmit.id) await hang;
        else await new Promise((resolve) => setTimeout(resolve, 20));
        succeeded.push(message.id);
      } finally {
        runningByKey.set(message.key, runningByKey.get(message.key)! - 1);
      }
    };
    transport = new KafkaTransport({
      prisma: db.prisma,
      logger: silent,
      brokers: kafkaBrokers.split(","),
      namespace,
      probeMs: 250,
    });
    await transport.start(stop.signal);
    const running = transport.consume({ role: "gateway", topic: orderCommandsTopic("atlas"), handler }, stop.signal);
    // Behind the hung SUBMIT in the partition: every other order's SUBMIT, the hung order's CANCEL, their CANCELs.
    const otherSubmits = [];
    for (const key of otherKeys) otherSubmits.push(await publish(key, "SUBMIT"));
    const hungCancel = await publish(hungKey, "CANCEL");
    const otherCancels = [];
    for (const key of otherKeys) otherCancels.push(await publish(key, "CANCEL"));
    const others = [...otherSubmits, ...otherCancels];

    await waitUntil(
      () => others.every((row) => succeeded.includes(row.id)),
      30_000,
      "the other orders' messages handled while one order's SUBMIT hangs",
    );
    expect(started).toContain(hungSubmit.id);
    expect(succeeded).not.toContain(hungSubmit.id);
    expect(started).not.toContain(hungCancel.id);
    for (const [index, key] of otherKeys.entries())
      expect(succeeded.indexOf(otherSubmits[index]!.id), key).toBeLessThan(succeeded.indexOf(otherCancels[index]!.id));

    // Offsets are committed at least every second: give the consumer time to commit, then read the group's offset.
    // The hung SUBMIT is the partition's first message (offset 0): nothing may be committed past it.
    const admin = new Kafka({ clientId: "meridian-test", brokers: kafkaBrokers.split(","), logLevel: 0 }).admin();
    await admin.connect();
    const committed = async () => {
      const [topic] = await admin.fetchOffsets({
        groupId: `${namespace}meridian.gateway.atlas`,
        topics: [`${namespace}${orderCommandsTopic("atlas")}`],
      });
      return Number(topic!.partitions.find((entry) => entry.partition === partition)!.offset);
    };
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await committed()).toBeLessThanOrEqual(0);
      expect(started).not.toContain(hungCancel.id);

      releaseHung();
      await waitUntil(() => succeeded.includes(hungCancel.id), 30_000, "the hung order's CANCEL handled");
      expect(succeeded.indexOf(hungSubmit.id)).toBeLessThan(succeeded.indexOf(hungCancel.id));
      expect(started.filter((id) => id === hungSubmit.id || id === hungCancel.id)).toEqual([
        hungSubmit.id,
        hungCancel.id,
      ]);
      // Every message of the partition finished: the committed offset reaches its end.
      const total = 2 * keys.length;
      await waitUntil(async () => (await committed()) === total, 30_000, "the partition committed to its end");
    } finally {
      await admin.disconnect();
    }
    expect(mostAtOnceOfOneKey).toBe(1);
    stop.abort();
    await running;
    const rows = await db.prisma.outboxEvent.findMany();
    expect(rows.filter((row) => row.consumedVia !== "kafka")).toEqual([]);
  });
});
