// admin.quarantine.preview / decideMany: review many Quarantine entries with one reason, each through the single
// review (its own review row and audit row, with the batch id); an entry reviewed since the preview is skipped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type ApiCaller, type Harness } from "../../test/harness";
import { recordRefusal } from "./refusals";

describe("admin.quarantine bulk review", () => {
  let h: Harness;
  let ops: ApiCaller;

  async function refusedCallback(execId: string): Promise<string> {
    await recordRefusal(h.db.prisma, {
      brokerId: "atlas",
      code: "SIGNATURE",
      reason: "signature refused: signature mismatch",
      rawBody: "{}",
      execId,
    });
    const row = await h.db.prisma.refusedCallback.findFirstOrThrow({ where: { execId } });
    return `callback:${row.id}`;
  }

  beforeAll(async () => {
    h = await createHarness();
    ops = await h.caller("ops@demo.meridian");
  });
  afterAll(async () => h?.close());

  it("previews, skips an entry reviewed since, fails a missing one, reviews the rest once", async () => {
    const [first, second, reviewedMeanwhile] = await Promise.all([
      refusedCallback("BULK-1"),
      refusedCallback("BULK-2"),
      refusedCallback("BULK-3"),
    ]);
    const earlier = await refusedCallback("BULK-0");
    await ops.admin.quarantine.review({ key: earlier, reason: "looked at it before" });
    const missing = "callback:999999999";
    const keys = [first, second, reviewedMeanwhile, earlier, missing];

    const { rows } = await ops.admin.quarantine.preview({ ids: keys, decision: "REVIEW" });
    expect(rows).toEqual([
      { id: first, expected: "OPEN@0", applicable: true, willDo: expect.stringMatching(/^Mark it reviewed/) },
      { id: second, expected: "OPEN@0", applicable: true, willDo: expect.stringMatching(/^Mark it reviewed/) },
      { id: reviewedMeanwhile, expected: "OPEN@0", applicable: true, willDo: expect.any(String) },
      {
        id: earlier,
        expected: "REVIEWED@1",
        applicable: false,
        willDo: expect.stringMatching(/^Not applicable: already reviewed by ops@demo\.meridian/),
      },
      {
        id: missing,
        expected: "GONE@-",
        applicable: false,
        willDo: expect.stringMatching(/^Not applicable: no such entry/),
      },
    ]);

    await ops.admin.quarantine.review({ key: reviewedMeanwhile, reason: "reviewed on its own" });
    const selected = rows.map(({ id, expected }) => ({ id, expected }));
    const reason = "known signature rotation at atlas";
    const result = await ops.admin.quarantine.decideMany({ decision: "REVIEW", reason, rows: selected });
    expect(result.outcomes).toEqual([
      { id: first, outcome: "applied", message: "Done: marked reviewed." },
      { id: second, outcome: "applied", message: "Done: marked reviewed." },
      { id: reviewedMeanwhile, outcome: "skipped", message: expect.stringMatching(/now REVIEWED/) },
      { id: earlier, outcome: "failed", message: expect.stringMatching(/was already reviewed by ops@demo\.meridian/) },
      { id: missing, outcome: "failed", message: expect.stringMatching(/^No Quarantine entry callback:999999999/) },
    ]);
    const audits = await h.db.prisma.auditLog.findMany({ where: { action: "quarantine.review", reason } });
    expect(audits.map((row) => row.targetId).sort()).toEqual([first, second].sort());
    for (const row of audits) expect(row.detail).toMatchObject({ source: "RECEIVER", batchId: result.batchId });
    const batch = await h.db.prisma.auditLog.findFirstOrThrow({ where: { action: "quarantine.bulk" } });
    expect(batch).toMatchObject({ targetId: result.batchId, reason });
    expect(batch.detail).toMatchObject({ applied: 2, skipped: 1, failed: 2 });

    const again = await ops.admin.quarantine.decideMany({ decision: "REVIEW", reason, rows: selected });
    expect(again.outcomes.filter((row) => row.outcome === "applied")).toEqual([]);
    expect(again.outcomes[0]).toMatchObject({ outcome: "skipped" });
    expect(await h.db.prisma.auditLog.count({ where: { action: "quarantine.review", reason } })).toBe(2);
  });

  it("refuses a bad key, a short reason and a customer, changing nothing", async () => {
    const key = await refusedCallback("BULK-9");
    await expect(ops.admin.quarantine.preview({ ids: ["order:1"], decision: "REVIEW" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      ops.admin.quarantine.decideMany({ decision: "REVIEW", reason: "ok", rows: [{ id: key, expected: "OPEN@0" }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const customer = await h.caller("alice@demo.meridian");
    await expect(
      customer.admin.quarantine.decideMany({
        decision: "REVIEW",
        reason: "customer trying it",
        rows: [{ id: key, expected: "OPEN@0" }],
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await ops.admin.quarantine.preview({ ids: [key], decision: "REVIEW" })).rows[0]!.expected).toBe("OPEN@0");
  });
});
