// Per-order order on the database side: a message that keeps failing parks its key (later messages of the order wait,
// other orders flow) until a slow retry or an operator's audited "retry now" gets it through; the Kafka consumer's
// claim passes a parked key by; and a slow handler keeps its claim, so a second consumer never runs it at once.
// (The same on a real Kafka: apps/worker/test/kafka-parking.test.ts.)
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { claimBatch, claimRows } from "./claims";
import { writeOutbox } from "./outbox";
import { DEFAULT_PARKING, listParkedMessages, type ParkingPolicy } from "./parking";
import { PollingTransport } from "./pollingTransport";
import { retryParkedMessage } from "./retryParked";
import { orderCommandsTopic } from "./topics";
import { recorder } from "../../test/testing";

const silent = pino({ level: "silent" });

describe("per-order order by polling", () => {
  let db: TestDatabase;

  const publish = (key: string, eventType: string) =>
    db.prisma.$transaction(async (tx) => {
      await writeOutbox(tx, { topic: orderCommandsTopic("atlas"), key, eventType, payload: { eventType } });
      return tx.outboxEvent.findFirstOrThrow({ where: { key, eventType } });
    });
  const waitFor = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const operator = (reason: string, messageId: string) =>
    retryParkedMessage({
      ctx: { services: { prisma: db.prisma }, actor: "operator:test" },
      input: { messageId, reason },
    });

  /** Order K's SUBMIT fails while `failing(run)`; K's CANCEL comes after it, and order L's two messages beside them. */
  const scenario = async (parking: Partial<ParkingPolicy>, failing: (run: number) => boolean) => {
    const [orderK, orderL] = [randomUUID(), randomUUID()];
    const submitK = await publish(orderK, "SUBMIT");
    let runs = 0;
    const probe = recorder(async (message) => {
      if (message.id === submitK.id && failing(++runs)) throw new Error("broker adapter down");
    });
    const stop = new AbortController();
    const transport = new PollingTransport({
      prisma: db.prisma,
      logger: silent,
      idleMs: 10,
      parking: { ...DEFAULT_PARKING, ...parking },
    });
    const running = transport.consume(
      { role: "gateway", topic: orderCommandsTopic("atlas"), handler: probe.handler },
      stop.signal,
    );
    const cancelK = await publish(orderK, "CANCEL");
    const otherOrder = [await publish(orderL, "SUBMIT"), await publish(orderL, "CANCEL")];
    await waitFor(async () => (await listParkedMessages(db.prisma)).length === 1, "order K's SUBMIT parked");
    await waitFor(() => otherOrder.every((row) => probe.succeeded.includes(row.id)), "order L's messages handled");
    const stopped = async () => {
      stop.abort();
      await running;
    };
    return { orderK, submitK, cancelK, otherOrder, probe, stopped };
  };

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  beforeEach(async () => {
    await db.prisma.outboxEvent.deleteMany();
  });
  afterAll(async () => db?.drop());

  it("a message that keeps failing parks its key: the order's later message waits, other orders flow, an operator's retry lets both through in order", async () => {
    let failing = true;
    // The slow retry is far off: only the operator's retry can get it through in this test.
    const { orderK, submitK, cancelK, otherOrder, probe, stopped } = await scenario(
      { parkAfterAttempts: 3, parkedRetryMs: 600_000 },
      () => failing,
    );

    expect(await listParkedMessages(db.prisma)).toMatchObject([
      {
        id: submitK.id,
        topic: orderCommandsTopic("atlas"),
        key: orderK,
        eventType: "SUBMIT",
        attempts: 3,
        lastError: "broker adapter down",
        waiting: 1,
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(probe.started.filter((id) => id === submitK.id)).toHaveLength(3);
    expect(probe.started).not.toContain(cancelK.id);

    await expect(operator("ok", submitK.id)).rejects.toThrow(/at least 5 characters/);
    await expect(operator("adapter is back", otherOrder[0]!.id)).rejects.toThrow(/is not parked/);
    failing = false;
    await operator("atlas adapter fixed, retrying", submitK.id);
    await waitFor(() => probe.succeeded.includes(cancelK.id), "order K's CANCEL handled");
    await stopped();

    // Order K's CANCEL began only after its SUBMIT went through.
    expect(probe.started.filter((id) => id === submitK.id || id === cancelK.id)).toEqual([
      submitK.id,
      submitK.id,
      submitK.id,
      submitK.id,
      cancelK.id,
    ]);
    expect(await listParkedMessages(db.prisma)).toEqual([]);
    const audit = await db.prisma.auditLog.findMany({ where: { action: "message.retry", targetId: submitK.id } });
    expect(audit).toMatchObject([
      {
        actor: "operator:test",
        targetType: "outbox_event",
        reason: "atlas adapter fixed, retrying",
        detail: { key: orderK, eventType: "SUBMIT" },
      },
    ]);
  });

  it("a parked message is retried slowly on its own, and the order's later message follows it once it goes through", async () => {
    // Two runs park it; its first slow retry fails too, the second goes through.
    const { submitK, cancelK, probe, stopped } = await scenario(
      { parkAfterAttempts: 2, parkedRetryMs: 600 },
      (run) => run <= 3,
    );
    await waitFor(() => probe.succeeded.includes(cancelK.id), "order K's CANCEL handled");
    await stopped();
    const rows = await db.prisma.outboxEvent.findMany({
      where: { id: { in: [submitK.id, cancelK.id] } },
      orderBy: { seq: "asc" },
    });
    expect(rows.map((row) => [row.consumedAt !== null, row.parkedAt !== null])).toEqual([
      [true, true], // went through the slow path, and the record of it stays
      [true, false],
    ]);
    expect(probe.started.filter((id) => id === submitK.id || id === cancelK.id)).toEqual([
      submitK.id,
      submitK.id,
      submitK.id,
      submitK.id,
      cancelK.id,
    ]);
  });

  it("Kafka's claim passes a parked key by and waits on a key whose earlier message is in hand; the sweeper takes a parked row whatever its age", async () => {
    const [parkedKey, busyKey] = [randomUUID(), randomUUID()];
    const [parked, behindParked] = [await publish(parkedKey, "SUBMIT"), await publish(parkedKey, "CANCEL")];
    const [inHand, behindInHand] = [await publish(busyKey, "SUBMIT"), await publish(busyKey, "CANCEL")];
    await db.prisma.outboxEvent.update({
      where: { id: parked.id },
      data: { parkedAt: new Date(), retryAt: new Date(Date.now() - 1000), attempts: 10 },
    });
    await db.prisma.outboxEvent.update({
      where: { id: inHand.id },
      data: { claimedUntil: new Date(Date.now() + 60_000) },
    });
    const states = await claimRows(db.prisma, [parked.id, behindParked.id, behindInHand.id], 30_000);
    expect(Object.fromEntries(states)).toEqual({
      [parked.id]: "parked",
      [behindParked.id]: "parked",
      [behindInHand.id]: "busy",
    });
    // A sweeper that takes only rows older than a minute still takes the parked one, since its retry is due.
    expect(
      (await claimBatch(db.prisma, orderCommandsTopic("atlas"), 10, 30_000, 60_000)).map((message) => [
        message.id,
        message.parked,
      ]),
    ).toEqual([[parked.id, true]]);
  });

  it("a handler slower than its claim is never run twice at once by a second consumer", async () => {
    for (let i = 0; i < 4; i++) await publish(randomUUID(), "SUBMIT");
    const probe = recorder(() => new Promise((resolve) => setTimeout(resolve, 1000)));
    const stop = new AbortController();
    // Two workers polling the same topic with claims of 300 ms.
    const consumers = [0, 1].map(() =>
      new PollingTransport({ prisma: db.prisma, logger: silent, idleMs: 20, claimMs: 300 }).consume(
        { role: "gateway", topic: orderCommandsTopic("atlas"), handler: probe.handler },
        stop.signal,
      ),
    );
    await waitFor(
      async () => (await db.prisma.outboxEvent.count({ where: { consumedAt: null } })) === 0,
      "every message handled",
    );
    stop.abort();
    await Promise.all(consumers);
    expect(probe.mostAtOnce()).toBe(1);
    expect(probe.started).toHaveLength(4);
  });
});
