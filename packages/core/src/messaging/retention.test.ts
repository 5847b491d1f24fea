// Retention prunes only what can no longer matter: consumed outbox rows past their days, inbox guards long after any
// redelivery could come. An unconsumed row is kept whatever its age (polling still owes it to its consumer).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { checkRetentionPolicy, pruneDeliveredMessages } from "./retention";
import { TOPICS } from "./topics";

const DAY = 24 * 60 * 60_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

describe("retention of delivered messages", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  afterAll(async () => db?.drop());

  async function outboxRow(label: string, times: { createdDaysAgo: number; consumedDaysAgo?: number }) {
    const row = await db.prisma.outboxEvent.create({
      data: {
        topic: TOPICS.executions,
        key: randomUUID(),
        eventType: label,
        payload: { label },
        createdAt: ago(times.createdDaysAgo),
        ...(times.consumedDaysAgo === undefined
          ? {}
          : { consumedAt: ago(times.consumedDaysAgo), consumedVia: "polling" }),
      },
    });
    return row.eventType;
  }

  it("drops consumed outbox rows and old inbox guards, and keeps everything still owed or still guarding", async () => {
    await outboxRow("consumed-long-ago", { createdDaysAgo: 10, consumedDaysAgo: 10 });
    await outboxRow("consumed-yesterday", { createdDaysAgo: 10, consumedDaysAgo: 1 });
    await outboxRow("never-consumed", { createdDaysAgo: 40 });
    await db.prisma.inboxEvent.createMany({
      data: [
        { consumer: "ledger", eventId: "guard-old", processedAt: ago(31) },
        { consumer: "ledger", eventId: "guard-recent", processedAt: ago(20) },
      ],
    });

    const pruned = await pruneDeliveredMessages(db.prisma, { outboxDays: 7, inboxDays: 30 });

    expect(pruned).toEqual({ outbox: 1, inbox: 1 });
    const outbox = await db.prisma.outboxEvent.findMany({ select: { eventType: true }, orderBy: { seq: "asc" } });
    expect(outbox.map((row) => row.eventType)).toEqual(["consumed-yesterday", "never-consumed"]);
    const inbox = await db.prisma.inboxEvent.findMany({ select: { eventId: true } });
    expect(inbox.map((row) => row.eventId)).toEqual(["guard-recent"]);
  });

  it("refuses an inbox retention that a redelivery could outlive, and deletes nothing", async () => {
    await db.prisma.inboxEvent.create({ data: { consumer: "ledger", eventId: "guard-older", processedAt: ago(12) } });
    expect(() => checkRetentionPolicy({ outboxDays: 7, inboxDays: 10 })).toThrow(
      /INBOX_RETENTION_DAYS \(10\) must exceed/,
    );
    await expect(pruneDeliveredMessages(db.prisma, { outboxDays: 7, inboxDays: 10 })).rejects.toThrow(
      /INBOX_RETENTION_DAYS/,
    );
    expect(await db.prisma.inboxEvent.count({ where: { eventId: "guard-older" } })).toBe(1);
  });
});
