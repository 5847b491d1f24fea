// Bulk decisions on the attention and Pending queues (admin.<queue>.preview / decideMany): the preview says per row
// what the decision will do, from the same checks as the single-row handler; the apply step takes rows one by one
// through that handler with one reason, skips a row that changed since the preview, reports a refused row as failed
// while the rest go on, and audits each row (with the batch id) and the batch. Refusals of the whole request change
// nothing.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { brokerView, gatewayDriver } from "../../test/gatewayDriver";
import { accountSnapshot, createHarness, type ApiCaller, type Harness } from "../../test/harness";
import { cancelOrder } from "../orders/cancelOrder";
import type { AccountRef } from "../services";

describe("bulk decisions", () => {
  let h: Harness;
  let alice: AccountRef;
  let ops: ApiCaller;
  let gw: ReturnType<typeof gatewayDriver>;

  const REASON = "broker desk confirmed by phone";

  async function withExecution<T extends { id: string }>(order: T): Promise<T> {
    await h.db.prisma.executionReceipt.create({
      data: {
        brokerId: "atlas",
        execId: `E-${order.id}`,
        orderId: order.id,
        quantity: 1,
        price: "100.00",
        executedAt: new Date(),
      },
    });
    return order;
  }

  const auditRows = (action: string) => h.db.prisma.auditLog.findMany({ where: { action }, orderBy: { id: "asc" } });
  const byId = <T extends { id: string }>(rows: T[]) => Object.fromEntries(rows.map((row) => [row.id, row]));

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
    ops = await h.caller("ops@demo.meridian");
    gw = gatewayDriver(h, alice);
  });
  beforeEach(() => gw.answerPlainly());
  afterAll(async () => h?.close());

  describe("attention queue", () => {
    it("previews per row, then applies one by one: skips a changed row, fails a refused one, applies the rest once", async () => {
      const first = await gw.placeUnanswered();
      const second = await gw.placeUnanswered();
      const changing = await gw.placeUnanswered();
      const traded = await withExecution(await gw.placeUnanswered());
      const accepted = await gw.placeAccepted();
      const ids = [first.id, second.id, changing.id, traded.id, accepted.id];

      const { rows } = await ops.admin.attention.preview({ ids, decision: "REJECT" });
      expect(rows.map((row) => row.id)).toEqual(ids);
      const preview = byId(rows);
      expect(preview[first.id]).toMatchObject({
        applicable: true,
        expected: `UNKNOWN@${first.version}`,
        willDo: expect.stringMatching(/^Mark rejected and release \$[\d,]+\.\d\d held\.$/),
      });
      expect(preview[traded.id]).toMatchObject({
        applicable: false,
        willDo: expect.stringMatching(/^Not applicable: atlas has sent executions for this order — it traded/),
      });
      expect(preview[accepted.id]).toMatchObject({
        applicable: false,
        willDo: expect.stringMatching(/^Not applicable: this order is ACCEPTED, not waiting for an operator/),
      });
      const retryPreview = await ops.admin.attention.preview({ ids: [first.id], decision: "RETRY" });
      expect(retryPreview.rows[0]).toMatchObject({
        applicable: true,
        willDo: "Submit again to atlas with the same order id.",
      });
      // The preview changed nothing.
      expect((await gw.order(first.id)).status).toBe("UNKNOWN");

      // Between the preview and the apply, the customer cancels one of the rows.
      await cancelOrder({
        ctx: { services: h.services, account: alice, actor: "customer" },
        input: { orderId: changing.id },
      });

      const selected = rows.map(({ id, expected }) => ({ id, expected }));
      const result = await ops.admin.attention.decideMany({ decision: "REJECT", reason: REASON, rows: selected });
      expect(result.outcomes.map((row) => row.id)).toEqual(ids);
      const outcomes = byId(result.outcomes);
      expect(outcomes[first.id]).toMatchObject({ outcome: "applied", message: "Done: the order is now REJECTED." });
      expect(outcomes[second.id]).toMatchObject({ outcome: "applied" });
      expect(outcomes[changing.id]).toMatchObject({
        outcome: "skipped",
        message: expect.stringMatching(/^Changed since the preview: now PENDING_CANCEL/),
      });
      expect(outcomes[traded.id]).toMatchObject({ outcome: "failed", message: expect.stringMatching(/execution/) });
      expect(outcomes[accepted.id]).toMatchObject({
        outcome: "failed",
        message: expect.stringMatching(/This order is ACCEPTED, not waiting for an operator; nothing was changed/),
      });
      expect((await gw.order(first.id)).status).toBe("REJECTED");
      expect((await gw.order(second.id)).status).toBe("REJECTED");
      expect((await gw.order(changing.id)).status).toBe("PENDING_CANCEL");
      expect((await gw.order(traded.id)).status).toBe("UNKNOWN");

      // One audit row per applied row, each as a single decision's plus the batch id; one for the batch.
      const rejected = await auditRows("attention.reject");
      expect(rejected.map((row) => row.targetId)).toEqual([first.id, second.id]);
      for (const row of rejected) {
        expect(row).toMatchObject({ actor: expect.stringMatching(/^operator:/), reason: REASON });
        expect(row.detail).toMatchObject({ status: "UNKNOWN", batchId: result.batchId });
      }
      const [batch] = await auditRows("attention.bulk");
      expect(batch).toMatchObject({ targetType: "operator_batch", targetId: result.batchId, reason: REASON });
      expect(batch!.detail).toMatchObject({ decision: "REJECT", rows: 5, applied: 2, skipped: 1, failed: 2 });

      // The same request again applies nothing twice: the rows it applied have moved on, so they are skipped.
      const again = await ops.admin.attention.decideMany({ decision: "REJECT", reason: REASON, rows: selected });
      expect(again.batchId).not.toBe(result.batchId);
      expect(again.outcomes.filter((row) => row.outcome === "applied")).toEqual([]);
      expect(byId(again.outcomes)[first.id]).toMatchObject({
        outcome: "skipped",
        message: expect.stringMatching(/now REJECTED/),
      });
      expect(await auditRows("attention.reject")).toHaveLength(2);
    });

    it("refuses a customer and an anonymous caller before anything is read or changed", async () => {
      const order = await gw.placeUnanswered();
      const before = await accountSnapshot(h.services, alice.id);
      const audits = await h.db.prisma.auditLog.count();
      const rows = [{ id: order.id, expected: `UNKNOWN@${order.version}` }];
      const customer = await h.caller("alice@demo.meridian");
      const anonymous = await h.caller(null);
      for (const [caller, code] of [
        [customer, "FORBIDDEN"],
        [anonymous, "UNAUTHORIZED"],
      ] as const) {
        const previewError = await caller.admin.attention
          .preview({ ids: [order.id], decision: "RETRY" })
          .catch((caught) => caught);
        expect(previewError).toBeInstanceOf(TRPCError);
        expect((previewError as TRPCError).code).toBe(code);
        await expect(
          caller.admin.attention.decideMany({ decision: "RETRY", reason: REASON, rows }),
        ).rejects.toMatchObject({ code });
        await expect(
          caller.admin.pending.decideMany({ decision: "CANCEL", reason: REASON, rows }),
        ).rejects.toMatchObject({ code });
      }
      expect(await accountSnapshot(h.services, alice.id)).toBe(before);
      expect(await h.db.prisma.auditLog.count()).toBe(audits);
    });

    it("refuses a reason shorter than 5 characters, repeated rows and an empty selection, changing nothing", async () => {
      const order = await gw.placeUnanswered();
      const before = await accountSnapshot(h.services, alice.id);
      const audits = await h.db.prisma.auditLog.count();
      const row = { id: order.id, expected: `UNKNOWN@${order.version}` };
      const error = await ops.admin.attention
        .decideMany({ decision: "RETRY", reason: " ok  ", rows: [row] })
        .catch((caught) => caught);
      expect(error).toMatchObject({ code: "BAD_REQUEST" });
      expect(JSON.stringify((error as TRPCError).cause)).toMatch(/at least 5 characters/);
      await expect(
        ops.admin.attention.decideMany({ decision: "RETRY", reason: REASON, rows: [row, row] }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(
        ops.admin.attention.decideMany({ decision: "RETRY", reason: REASON, rows: [] }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(ops.admin.attention.preview({ ids: [order.id, order.id], decision: "RETRY" })).rejects.toMatchObject(
        { code: "BAD_REQUEST" },
      );
      expect(await accountSnapshot(h.services, alice.id)).toBe(before);
      expect(await h.db.prisma.auditLog.count()).toBe(audits);
      expect((await gw.order(order.id)).version).toBe(order.version);
    });
  });

  describe("Pending queue", () => {
    it("previews per row, then applies one by one: skips a changed row, fails a refused one, applies the rest once", async () => {
      const first = await gw.escalate(await gw.placeUnanswered());
      const decidedMeanwhile = await gw.escalate(await gw.placeUnanswered());
      const notEscalated = await gw.placeUnanswered();
      const ids = [first.id, decidedMeanwhile.id, notEscalated.id];

      const { rows } = await ops.admin.pending.preview({ ids, decision: "CANCEL" });
      const preview = byId(rows);
      expect(preview[first.id]).toMatchObject({
        applicable: true,
        expected: expect.stringMatching(/^TRYING\/UNKNOWN@\d+$/),
        willDo: expect.stringMatching(/^Ask atlas to cancel, and release the \$[\d,]+\.\d\d held when it confirms\.$/),
      });
      expect(preview[notEscalated.id]).toMatchObject({
        applicable: false,
        willDo: expect.stringMatching(/^Not applicable: this reservation was not escalated by recovery/),
      });
      // CONFIRM needs the broker to show the order: the preview asks it, as the handler would.
      h.broker.nextLookup = async (id) => (id === first.id ? brokerView(id, "NEW") : null);
      const confirm = byId((await ops.admin.pending.preview({ ids, decision: "CONFIRM" })).rows);
      expect(confirm[first.id]).toMatchObject({
        applicable: true,
        willDo: expect.stringMatching(/^Apply atlas's record of the order \(NEW, 0 filled\)/),
      });
      expect(confirm[decidedMeanwhile.id]).toMatchObject({
        applicable: false,
        willDo: expect.stringMatching(/^Not applicable: atlas has no such order/),
      });
      h.broker.nextLookup = async () => null;

      // Another operator decides one of the rows on its own between the preview and the apply.
      await ops.admin.pending.resolve({ orderId: decidedMeanwhile.id, decision: "CANCEL", reason: "decided alone" });

      const selected = rows.map(({ id, expected }) => ({ id, expected }));
      const result = await ops.admin.pending.decideMany({ decision: "CANCEL", reason: REASON, rows: selected });
      const outcomes = byId(result.outcomes);
      expect(outcomes[first.id]).toMatchObject({
        outcome: "applied",
        message: expect.stringMatching(/PENDING_CANCEL/),
      });
      expect(outcomes[decidedMeanwhile.id]).toMatchObject({
        outcome: "skipped",
        message: expect.stringMatching(/^Changed since the preview: now TRYING-DECIDED\/PENDING_CANCEL/),
      });
      expect(outcomes[notEscalated.id]).toMatchObject({
        outcome: "failed",
        message: expect.stringMatching(/was not escalated by recovery.*nothing was changed/),
      });
      expect((await gw.order(first.id)).status).toBe("PENDING_CANCEL");
      expect((await gw.order(notEscalated.id)).status).toBe("UNKNOWN");

      const cancels = await h.db.prisma.auditLog.findMany({ where: { action: "pending.cancel", reason: REASON } });
      expect(cancels.map((row) => row.targetId)).toEqual([first.id]);
      expect(cancels[0]!.detail).toMatchObject({ orderStatusAfter: "PENDING_CANCEL", batchId: result.batchId });
      const batch = await h.db.prisma.auditLog.findFirstOrThrow({
        where: { action: "pending.bulk", targetId: result.batchId },
      });
      expect(batch.detail).toMatchObject({ decision: "CANCEL", applied: 1, skipped: 1, failed: 1 });
      // Decided: it has left the queue, and the hold is released once the broker confirms the cancel.
      expect((await ops.admin.pending.list()).map((row) => row.orderId)).not.toContain(first.id);
      await gw.deliverCommands(first.id);
      expect((await gw.order(first.id)).status).toBe("CANCELLED");

      const again = await ops.admin.pending.decideMany({ decision: "CANCEL", reason: REASON, rows: selected });
      expect(again.outcomes.filter((row) => row.outcome === "applied")).toEqual([]);
      expect(byId(again.outcomes)[first.id]).toMatchObject({ outcome: "skipped" });
      expect(await h.db.prisma.auditLog.count({ where: { action: "pending.cancel", reason: REASON } })).toBe(1);
    });

    it("refuses a reason shorter than 5 characters, changing nothing", async () => {
      const order = await gw.escalate(await gw.placeUnanswered());
      const before = await accountSnapshot(h.services, alice.id);
      await expect(
        ops.admin.pending.decideMany({
          decision: "CANCEL",
          reason: "meh",
          rows: [{ id: order.id, expected: "TRYING/UNKNOWN@0" }],
        }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await accountSnapshot(h.services, alice.id)).toBe(before);
      expect((await ops.admin.pending.list()).map((row) => row.orderId)).toContain(order.id);
    });
  });
});
