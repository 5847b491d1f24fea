// Polling as a pipeline: one order whose handler hangs (a broker call that does not answer) holds up only its own later
// rows. Rows of other orders keep being claimed and handled meanwhile; its CANCEL is not claimed until the SUBMIT
// finished, then follows it; the hung row stays unconsumed (and claimed) until its handler returns.
// (The same on a real Kafka: apps/worker/test/kafka-lanes.test.ts.)
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { writeOutbox } from "./outbox";
import { PollingTransport } from "./pollingTransport";
import { orderCommandsTopic, type OutboxMessage } from "./topics";

const silent = pino({ level: "silent" });

describe("key-ordered parallelism by polling", () => {
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

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  beforeEach(async () => {
    await db.prisma.outboxEvent.deleteMany();
  });
  afterAll(async () => db?.drop());

  it("a hung row holds back only its own order: other orders are claimed and handled, its CANCEL waits and follows in order", async () => {
    const hungKey = randomUUID();
    const otherKeys = Array.from({ length: 40 }, () => randomUUID());
    let releaseHung!: () => void;
    const hang = new Promise<void>((resolve) => (releaseHung = resolve));
    const started: string[] = [];
    const succeeded: string[] = [];
    const runningByKey = new Map<string, number>();
    let mostAtOnceOfOneKey = 0;
    const hungSubmit = await publish(hungKey, "SUBMIT");
    const otherSubmits = [];
    for (const key of otherKeys) otherSubmits.push(await publish(key, "SUBMIT"));
    const hungCancel = await publish(hungKey, "CANCEL");
    const otherCancels = [];
    for (const key of otherKeys) otherCancels.push(await publish(key, "CANCEL"));
    const others = [...otherSubmits, ...otherCancels];
    const handler = async (message: OutboxMessage) => {
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
    const stop = new AbortController();
    // The default batch of 20 rows per claim: the hung row's batch-mates and the 60 rows after them all go through.
    const running = new PollingTransport({ prisma: db.prisma, logger: silent, idleMs: 20, claimMs: 1000 }).consume(
      { role: "gateway", topic: orderCommandsTopic("atlas"), handler },
      stop.signal,
    );
    try {
      await waitFor(
        () => others.every((row) => succeeded.includes(row.id)),
        "the other orders' rows handled while one order's SUBMIT hangs",
      );
      // Longer than its claim: the hung row's claim is renewed, so nobody takes it or its CANCEL meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(started.filter((id) => id === hungSubmit.id)).toHaveLength(1);
      expect(started).not.toContain(hungCancel.id);
      const hungRows = await db.prisma.outboxEvent.findMany({ where: { key: hungKey }, orderBy: { seq: "asc" } });
      expect(hungRows.map((row) => row.consumedAt)).toEqual([null, null]);
      expect(hungRows[0]!.claimedUntil!.getTime()).toBeGreaterThan(Date.now());
      for (const [index, key] of otherKeys.entries())
        expect(succeeded.indexOf(otherSubmits[index]!.id), key).toBeLessThan(
          succeeded.indexOf(otherCancels[index]!.id),
        );
    } finally {
      releaseHung();
    }
    await waitFor(() => succeeded.includes(hungCancel.id), "the hung order's CANCEL handled");
    expect(started.filter((id) => id === hungSubmit.id || id === hungCancel.id)).toEqual([
      hungSubmit.id,
      hungCancel.id,
    ]);
    expect(mostAtOnceOfOneKey).toBe(1);
    stop.abort();
    await running;
    expect(await db.prisma.outboxEvent.count({ where: { consumedAt: null } })).toBe(0);
  });
});
