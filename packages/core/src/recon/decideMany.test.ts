// admin.recon.preview / decideMany: approve or reject many reconciliation items with one reason, each through
// decideReconItem (its CAS, its audit row with the batch id); the preview uses the same checks, including whether the
// order still is in the state the fix was proposed against.
import type { ReconFix, ReconItemStatus } from "@meridian/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayDriver } from "../../test/gatewayDriver";
import { createHarness, type ApiCaller, type Harness } from "../../test/harness";

describe("admin.recon bulk decisions", () => {
  let h: Harness;
  let ops: ApiCaller;
  let gw: ReturnType<typeof gatewayDriver>;
  let runId: string;

  async function item(fix: ReconFix, order: { id: string } | null, basisStatus = "UNKNOWN", status?: ReconItemStatus) {
    const clientOrderId = order?.id ?? `X-${Math.random()}`;
    const ours = order && {
      orderId: order.id,
      brokerId: "atlas",
      symbol: "AAPL",
      side: "BUY",
      quantity: "1",
      status: basisStatus,
      filledQuantity: "0",
      submitAttempts: 1,
      brokerOrderId: null,
      receipts: 0,
    };
    const row = await h.db.prisma.reconItem.create({
      data: {
        runId,
        brokerId: "atlas",
        mismatchClass: order ? "STATUS" : "MISSING_HERE",
        orderId: order?.id ?? null,
        clientOrderId,
        fingerprint: `STATUS:${clientOrderId}:`,
        detail: { summary: "test item", ours, broker: null, execution: null, ingest: null },
        proposedFix: fix,
        ...(status ? { status } : {}),
      },
    });
    return row.id;
  }

  beforeAll(async () => {
    h = await createHarness();
    ops = await h.caller("ops@demo.meridian");
    gw = gatewayDriver(h, await h.account("alice@demo.meridian"));
    const now = new Date();
    runId = (
      await h.db.prisma.reconRun.create({
        data: { brokerId: "atlas", windowStart: now, windowEnd: now, triggeredBy: "test", finishedAt: now },
      })
    ).id;
  });
  afterAll(async () => h?.close());

  it("previews per item, then applies one by one: skips a changed item, fails a refused one", async () => {
    const unknown = await gw.placeUnanswered();
    const close = await item("CLOSE_CANCELLED", unknown);
    const acknowledge = await item("ACKNOWLEDGE", null);
    const autoApplied = await item("INGEST_EXECUTION", null, "UNKNOWN", "AUTO_APPLIED");
    const moved = await item("CLOSE_REJECTED", await gw.placeUnanswered(), "ACCEPTED");
    const decidedMeanwhile = await item("ACKNOWLEDGE", null);
    const ids = [close, acknowledge, autoApplied, moved, decidedMeanwhile];

    const preview = Object.fromEntries(
      (await ops.admin.recon.preview({ ids, decision: "APPROVE" })).rows.map((row) => [row.id, row]),
    );
    expect(preview[close]).toMatchObject({
      expected: "PROPOSED@0",
      applicable: true,
      willDo: "Close our order as CANCELLED and release everything it still holds.",
    });
    expect(preview[acknowledge]).toMatchObject({ applicable: true, willDo: expect.stringMatching(/^Acknowledge/) });
    expect(preview[autoApplied]).toMatchObject({
      expected: "AUTO_APPLIED@0",
      applicable: false,
      willDo: "Not applicable: already ingested automatically by the run.",
    });
    expect(preview[moved]).toMatchObject({
      applicable: false,
      willDo: expect.stringMatching(/^Not applicable: the order is now UNKNOWN with 0 filled, not ACCEPTED/),
    });

    await ops.admin.recon.decide({ itemId: decidedMeanwhile, decision: "REJECT", reason: "decided on its own" });
    const reason = "matches the broker's daily report";
    const rows = ids.map((id) => ({ id, expected: preview[id]!.expected }));
    const result = await ops.admin.recon.decideMany({ decision: "APPROVE", reason, rows });
    expect(result.outcomes.map((row) => row.outcome)).toEqual(["applied", "applied", "failed", "failed", "skipped"]);
    expect(result.outcomes[0]!.message).toBe("Done: the item is now APPLIED.");
    expect(result.outcomes[2]!.message).toMatch(/already ingested automatically/);
    expect(result.outcomes[3]!.message).toMatch(/Nothing was changed; run reconciliation again/);
    expect(result.outcomes[4]!.message).toMatch(/^Changed since the preview: now REJECTED/);
    expect((await gw.order(unknown.id)).status).toBe("CANCELLED");

    const audits = await h.db.prisma.auditLog.findMany({ where: { reason, action: { startsWith: "recon." } } });
    expect(audits.map((row) => [row.action, row.targetId]).sort()).toEqual(
      [
        ["recon.acknowledge", acknowledge],
        ["recon.approve", close],
        ["recon.bulk", result.batchId],
      ].sort(),
    );
    for (const row of audits.filter((audit) => audit.action !== "recon.bulk"))
      expect(row.detail).toMatchObject({ batchId: result.batchId });

    const again = await ops.admin.recon.decideMany({ decision: "APPROVE", reason, rows });
    expect(again.outcomes.filter((row) => row.outcome === "applied")).toEqual([]);
    expect(again.outcomes[0]).toMatchObject({ outcome: "skipped", message: expect.stringMatching(/now APPLIED/) });
  });

  it("refuses a short reason and a customer, changing nothing", async () => {
    const id = await item("ACKNOWLEDGE", null);
    await expect(
      ops.admin.recon.decideMany({ decision: "REJECT", reason: "no", rows: [{ id, expected: "PROPOSED@0" }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const customer = await h.caller("alice@demo.meridian");
    await expect(customer.admin.recon.preview({ ids: [id], decision: "REJECT" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await h.db.prisma.reconItem.findUniqueOrThrow({ where: { id } })).status).toBe("PROPOSED");
  });
});
