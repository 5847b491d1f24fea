// The console's view of parked messages: operators list them and retry one now with a reason (audited); customers
// are refused before anything is read.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness";
import { writeOutbox } from "../../messaging/outbox";
import { orderCommandsTopic } from "../../messaging/topics";

describe("admin.parkedMessages", () => {
  let h: Harness;

  const parkedMessage = async (orderId: string) => {
    await h.db.prisma.$transaction((tx) =>
      writeOutbox(tx, { topic: orderCommandsTopic("atlas"), key: orderId, eventType: "SUBMIT", payload: {} }),
    );
    const row = await h.db.prisma.outboxEvent.findFirstOrThrow({ where: { key: orderId } });
    // Parked an hour ahead: nothing retries it but the operator.
    return h.db.prisma.outboxEvent.update({
      where: { id: row.id },
      data: {
        attempts: 10,
        lastError: "broker adapter down",
        parkedAt: new Date(),
        retryAt: new Date(Date.now() + 3_600_000),
      },
    });
  };

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it("lists parked messages for operators, retries one now with an audited reason, and refuses customers", async () => {
    const orderId = randomUUID();
    const parked = await parkedMessage(orderId);
    const ops = await h.caller("ops@demo.meridian");
    expect(await ops.admin.parkedMessages.list()).toMatchObject([
      { id: parked.id, key: orderId, eventType: "SUBMIT", attempts: 10, lastError: "broker adapter down", waiting: 0 },
    ]);

    await expect(ops.admin.parkedMessages.retry({ messageId: parked.id, reason: "no" })).rejects.toThrow(
      /at least 5 characters/,
    );
    const customer = await h.caller("alice@demo.meridian");
    await expect(customer.admin.parkedMessages.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      customer.admin.parkedMessages.retry({ messageId: parked.id, reason: "let me through" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    expect(await ops.admin.parkedMessages.retry({ messageId: parked.id, reason: "atlas adapter fixed" })).toEqual({
      messageId: parked.id,
      key: orderId,
    });
    const row = await h.db.prisma.outboxEvent.findUniqueOrThrow({ where: { id: parked.id } });
    expect(row.retryAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const audit = await h.db.prisma.auditLog.findMany({ where: { action: "message.retry", targetId: parked.id } });
    expect(audit).toMatchObject([
      {
        actor: expect.stringMatching(/^operator:/),
        reason: "atlas adapter fixed",
        detail: { key: orderId, attempts: 10, lastError: "broker adapter down" },
      },
    ]);

    await h.db.prisma.outboxEvent.update({ where: { id: parked.id }, data: { consumedAt: new Date() } });
    await expect(
      ops.admin.parkedMessages.retry({ messageId: parked.id, reason: "once more please" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await ops.admin.parkedMessages.list()).toEqual([]);
  });
});
