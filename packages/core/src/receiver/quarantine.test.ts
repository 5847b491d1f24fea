// admin.quarantine.list and .openCount: operators see refused callbacks (filtered by broker, and by review status on
// request) and how many wait for a review; customers and anonymous callers are refused before anything is read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createHarness, type Harness } from "../../test/harness";
import { recordRefusal } from "./refusals";

describe("admin.quarantine.list", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
    await recordRefusal(h.db.prisma, {
      brokerId: "atlas",
      code: "SIGNATURE",
      reason: "signature refused: signature mismatch",
      rawBody: '{"execId":"E-1"}',
      execId: "E-1",
      orderId: "not-a-uuid",
    });
    await recordRefusal(h.db.prisma, {
      brokerId: "harbor",
      code: "MALFORMED",
      reason: "malformed execution: quantity: must be greater than zero",
      rawBody: '{"quantity":"0"}',
    });
  });
  afterAll(async () => h?.close());

  it("gives operators the refused callbacks, newest first, and filters them by broker", async () => {
    const operator = await h.caller("ops@demo.meridian");
    const all = await operator.admin.quarantine.list();
    expect(all.map((entry) => [entry.brokerId, entry.reasonCode])).toEqual([
      ["harbor", "MALFORMED"],
      ["atlas", "SIGNATURE"],
    ]);
    expect(all[1]).toMatchObject({
      source: "RECEIVER",
      execId: "E-1",
      orderId: "not-a-uuid",
      orderExists: false,
      body: '{"execId":"E-1"}',
      review: null,
    });
    const atlas = await operator.admin.quarantine.list({ brokerId: "atlas" });
    expect(atlas.map((entry) => entry.reasonCode)).toEqual(["SIGNATURE"]);
  });

  it("filters by review status and counts only the open entries, the review shown with who, when and why", async () => {
    const operator = await h.caller("ops@demo.meridian");
    const [harbor, atlas] = await operator.admin.quarantine.list();
    expect(await operator.admin.quarantine.openCount()).toBe(2);

    await operator.admin.quarantine.review({
      key: atlas!.key,
      reason: "forged call from an unknown IP, reported to security",
    });

    expect((await operator.admin.quarantine.list({ status: "open" })).map((entry) => entry.key)).toEqual([harbor!.key]);
    const reviewed = await operator.admin.quarantine.list({ status: "reviewed" });
    expect(reviewed.map((entry) => entry.key)).toEqual([atlas!.key]);
    expect(reviewed[0]!.review).toMatchObject({
      byEmail: "ops@demo.meridian",
      reason: "forged call from an unknown IP, reported to security",
    });
    expect(Date.now() - Date.parse(reviewed[0]!.review!.at)).toBeLessThan(60_000);
    expect((await operator.admin.quarantine.list({ status: "all" })).map((entry) => entry.key)).toEqual([
      harbor!.key,
      atlas!.key,
    ]);
    // Without a status the API lists everything, as it did before reviews existed.
    expect(await operator.admin.quarantine.list()).toHaveLength(2);
    expect(await operator.admin.quarantine.openCount()).toBe(1);
  });

  it("refuses a customer (FORBIDDEN) and an anonymous caller (UNAUTHORIZED)", async () => {
    const customer = await h.caller("alice@demo.meridian");
    const error = await customer.admin.quarantine.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    await expect(customer.admin.quarantine.openCount()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const anonymous = await h.caller(null);
    await expect(anonymous.admin.quarantine.list({ brokerId: "atlas" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(anonymous.admin.quarantine.openCount()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
