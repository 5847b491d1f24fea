// The transport's database side, without Kafka: delivery claims, the relay and its lease, the lag, the mode switch,
// and the Kafka adapter falling back to polling when its brokers do not answer. (The suites on a real Kafka are in
// apps/worker/test/kafka*.test.ts.)
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import { claimBatch, claimRows, markConsumed } from "./claims";
import { transportHealth, transportLag } from "./health";
import { KafkaTransport } from "./kafkaTransport";
import { ModeSwitch } from "./modeSwitch";
import { writeOutbox } from "./outbox";
import { PollingTransport } from "./pollingTransport";
import { acquireRelayLease, relayOnce, type PendingRow } from "./relay";
import { orderCommandsTopic, TOPICS, type OutboxMessage, type Topic } from "./topics";

describe("transport (database side)", () => {
  let h: Harness;
  const silent = pino({ level: "silent" });

  const write = async (topic: Topic, key: string, n = 1) => {
    for (let i = 0; i < n; i++)
      await h.db.prisma.$transaction((tx) =>
        writeOutbox(tx, { topic, key, eventType: `E${i}`, payload: { i, receiptId: randomUUID() } }),
      );
  };
  const rows = (topic: Topic) => h.db.prisma.outboxEvent.findMany({ where: { topic }, orderBy: { seq: "asc" } });
  const waitFor = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  beforeAll(async () => {
    h = await createHarness();
  });
  beforeEach(async () => {
    await h.db.prisma.outboxEvent.deleteMany();
    await h.db.prisma.outboxRelayLease.deleteMany();
  });
  afterAll(async () => h?.close());

  it("polling claims each key's oldest unconsumed row, published to Kafka or not, and never a consumed one", async () => {
    await write(TOPICS.executions, "order-1", 4);
    await write(TOPICS.executions, "order-2", 1);
    const [first, second, third] = await rows(TOPICS.executions);
    await markConsumed(h.db.prisma, first!.id, "kafka");
    await h.db.prisma.outboxEvent.update({ where: { id: second!.id }, data: { publishedAt: new Date() } });
    const claimed = await claimBatch(h.db.prisma, TOPICS.executions, 10, 30_000);
    const order2 = (await rows(TOPICS.executions)).find((row) => row.key === "order-2")!;
    // order-1's third row waits for its second: one order's messages are never handled out of order or side by side.
    expect(claimed.map((message) => message.id)).toEqual([second!.id, order2.id]);
    expect(await claimBatch(h.db.prisma, TOPICS.executions, 10, 30_000)).toEqual([]);
    await markConsumed(h.db.prisma, second!.id, "polling");
    expect((await claimBatch(h.db.prisma, TOPICS.executions, 10, 30_000)).map((message) => message.id)).toEqual([
      third!.id,
    ]);
  });

  it("the sweeper's claim takes only rows older than its threshold", async () => {
    await write(TOPICS.executions, "order-1", 1);
    await write(TOPICS.executions, "order-2", 1);
    expect(await claimBatch(h.db.prisma, TOPICS.executions, 10, 30_000, 60_000)).toEqual([]);
    expect(await claimBatch(h.db.prisma, TOPICS.executions, 10, 30_000, 0)).toHaveLength(2);
  });

  it("a Kafka consumer's claim tells claimed, consumed, busy and missing rows apart", async () => {
    await write(TOPICS.executions, "order-1", 3);
    const [free, consumed, busy] = await rows(TOPICS.executions);
    await markConsumed(h.db.prisma, consumed!.id, "polling");
    await h.db.prisma.outboxEvent.update({
      where: { id: busy!.id },
      data: { claimedUntil: new Date(Date.now() + 60_000) },
    });
    const missing = randomUUID();
    const states = await claimRows(h.db.prisma, [free!.id, consumed!.id, busy!.id, missing], 30_000);
    expect(Object.fromEntries(states)).toEqual({
      [free!.id]: "claimed",
      [consumed!.id]: "consumed",
      [busy!.id]: "busy",
      [missing]: "missing",
    });
  });

  it("the relay publishes pending rows in outbox order, marks them, skips consumed ones, and keeps them on a failed publish", async () => {
    await write(orderCommandsTopic("atlas"), "order-a", 2);
    await write(TOPICS.executions, "order-a", 2);
    const all = await h.db.prisma.outboxEvent.findMany({ orderBy: { seq: "asc" } });
    await markConsumed(h.db.prisma, all[1]!.id, "polling");
    await expect(relayOnce(h.db.prisma, async () => Promise.reject(new Error("broker down")), 10)).rejects.toThrow(
      "broker down",
    );
    expect(await h.db.prisma.outboxEvent.count({ where: { publishedAt: { not: null } } })).toBe(0);
    const published: PendingRow[] = [];
    expect(await relayOnce(h.db.prisma, async (batch) => void published.push(...batch), 10)).toBe(3);
    expect(published.map((row) => row.id)).toEqual([all[0]!.id, all[2]!.id, all[3]!.id]);
    expect(await relayOnce(h.db.prisma, async (batch) => void published.push(...batch), 10)).toBe(0);
  });

  it("one relay holds the lease at a time; another takes over once it lapses", async () => {
    expect(await acquireRelayLease(h.db.prisma, "relay-a", 200)).toBe(true);
    expect(await acquireRelayLease(h.db.prisma, "relay-b", 200)).toBe(false);
    expect(await acquireRelayLease(h.db.prisma, "relay-a", 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await acquireRelayLease(h.db.prisma, "relay-b", 200)).toBe(true);
    expect(await acquireRelayLease(h.db.prisma, "relay-a", 200)).toBe(false);
  });

  it("reports each topic's lag: unconsumed and unpublished rows and the oldest one's age", async () => {
    await write(TOPICS.executions, "order-1", 3);
    await write(TOPICS.orderEvents, "order-1", 2);
    await write(orderCommandsTopic("harbor"), "order-2", 1);
    const [consumed, published] = await rows(TOPICS.executions);
    await markConsumed(h.db.prisma, consumed!.id, "kafka");
    await h.db.prisma.outboxEvent.update({ where: { id: published!.id }, data: { publishedAt: new Date() } });
    const [events] = await rows(TOPICS.orderEvents);
    await h.db.prisma.outboxEvent.update({ where: { id: events!.id }, data: { publishedAt: new Date() } });
    const lag = Object.fromEntries(
      (await transportLag(h.db.prisma)).map(({ topic, unconsumed, unpublished, oldestAgeMs }) => [
        topic,
        { unconsumed, unpublished, aged: oldestAgeMs !== null && oldestAgeMs >= 0 },
      ]),
    );
    expect(lag).toEqual({
      // Each broker's commands have a backlog of their own.
      [orderCommandsTopic("atlas")]: { unconsumed: 0, unpublished: 0, aged: false },
      [orderCommandsTopic("harbor")]: { unconsumed: 1, unpublished: 1, aged: true },
      [TOPICS.executions]: { unconsumed: 2, unpublished: 1, aged: true },
      // A fan-out topic is done once published.
      [TOPICS.orderEvents]: { unconsumed: 1, unpublished: 1, aged: true },
    });
    const health = await transportHealth(h.db.prisma, new PollingTransport({ prisma: h.db.prisma, logger: silent }));
    expect(health).toMatchObject({ configured: "polling", mode: "polling", lastError: null, changes: [] });
    expect(JSON.parse(JSON.stringify(health)).lag).toHaveLength(4);
  });

  it("the mode switch wakes whoever waits on it and forgets waiters that are done", () => {
    const modes = new ModeSwitch("polling");
    const stop = new AbortController();
    const waiting = modes.untilChange(stop.signal);
    const finished = modes.untilChange(stop.signal);
    finished.abort();
    expect(modes.set("polling", "still down")).toBe(false);
    expect(waiting.signal.aborted).toBe(false);
    expect(modes.set("kafka", "Kafka answers")).toBe(true);
    expect(waiting.signal.aborted).toBe(true);
    expect(modes.snapshot()).toMatchObject({
      mode: "kafka",
      lastError: "still down",
      changes: [{ from: "polling", to: "kafka", reason: "Kafka answers" }],
    });
  });

  it("the polling transport hands each row to its handler once, retries a failure, and marks rows consumed by polling", async () => {
    await write(TOPICS.executions, "order-1", 5);
    const seen: string[] = [];
    let failOnce = true;
    const transport = new PollingTransport({ prisma: h.db.prisma, logger: silent, idleMs: 10 });
    const stop = new AbortController();
    const running = transport.consume(
      {
        role: "ledger",
        topic: TOPICS.executions,
        handler: async (message: OutboxMessage) => {
          if (failOnce && (message.payload as { i: number }).i === 2) {
            failOnce = false;
            throw new Error("account busy");
          }
          seen.push(message.id);
        },
      },
      stop.signal,
    );
    await waitFor(
      async () => (await h.db.prisma.outboxEvent.count({ where: { consumedAt: null } })) === 0,
      "all consumed",
    );
    stop.abort();
    await running;
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
    expect(await h.db.prisma.outboxEvent.count({ where: { consumedVia: "polling", publishedAt: null } })).toBe(5);
  });

  it("the Kafka adapter starts in polling mode when its brokers do not answer, and still delivers", async () => {
    await write(orderCommandsTopic("atlas"), "order-9", 3);
    const transport = new KafkaTransport({
      prisma: h.db.prisma,
      logger: silent,
      brokers: ["127.0.0.1:1"],
      probeMs: 100,
      pollingIdleMs: 10,
    });
    const stop = new AbortController();
    await transport.start(stop.signal);
    expect(transport.status()).toMatchObject({ configured: "kafka", mode: "polling" });
    expect(transport.status().lastError).toMatch(/ECONNREFUSED|Connection/);
    const handled: string[] = [];
    const running = transport.consume(
      {
        role: "gateway",
        topic: orderCommandsTopic("atlas"),
        handler: async (message) => void handled.push(message.id),
      },
      stop.signal,
    );
    await waitFor(async () => handled.length === 3, "three commands handled");
    stop.abort();
    await running;
    await transport.close();
    expect(
      await h.db.prisma.outboxEvent.count({
        where: { topic: orderCommandsTopic("atlas"), consumedVia: "polling", publishedAt: null },
      }),
    ).toBe(3);
  });
});
