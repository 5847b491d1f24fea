// admin.quarantine.list: operators see refused callbacks (filtered by broker on request); customers and anonymous
// callers are refused before anything is read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createHarness, type Harness } from "../../test/harness";
import { createCallerFactory } from "../trpc/init";
import { appRouter } from "../trpc/root";
import { recordRefusal } from "./refusals";

describe("admin.quarantine.list", () => {
  let h: Harness;
  const callerAs = async (email: string, role: "CUSTOMER" | "OPERATOR") => {
    const user = await h.db.prisma.user.findUniqueOrThrow({ where: { email } });
    return createCallerFactory(appRouter)({ services: h.services, session: { user: { userId: user.id, role }, save: async () => {}, destroy: async () => {} } });
  };

  beforeAll(async () => {
    h = await createHarness();
    await recordRefusal(h.db.prisma, { brokerId: "atlas", code: "SIGNATURE", reason: "signature refused: signature mismatch", rawBody: '{"execId":"E-1"}', execId: "E-1", orderId: "not-a-uuid" });
    await recordRefusal(h.db.prisma, { brokerId: "harbor", code: "MALFORMED", reason: "malformed execution: quantity: must be greater than zero", rawBody: '{"quantity":"0"}' });
  });
  afterAll(async () => h?.close());

  it("gives operators the refused callbacks, newest first, and filters them by broker", async () => {
    const operator = await callerAs("ops@demo.meridian", "OPERATOR");
    const all = await operator.admin.quarantine.list();
    expect(all.map((entry) => [entry.brokerId, entry.reasonCode])).toEqual([
      ["harbor", "MALFORMED"],
      ["atlas", "SIGNATURE"],
    ]);
    expect(all[1]).toMatchObject({ source: "RECEIVER", execId: "E-1", orderId: "not-a-uuid", orderExists: false, body: '{"execId":"E-1"}' });
    const atlas = await operator.admin.quarantine.list({ brokerId: "atlas" });
    expect(atlas.map((entry) => entry.reasonCode)).toEqual(["SIGNATURE"]);
  });

  it("refuses a customer (FORBIDDEN) and an anonymous caller (UNAUTHORIZED)", async () => {
    const customer = await callerAs("alice@demo.meridian", "CUSTOMER");
    const error = await customer.admin.quarantine.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    const anonymous = createCallerFactory(appRouter)({ services: h.services, session: { user: null, save: async () => {}, destroy: async () => {} } });
    await expect(anonymous.admin.quarantine.list({ brokerId: "atlas" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
