// Races decided by the database: many Trys against one balance, and duplicates of one Try racing its Cancel.
import { describe, expect, it } from "vitest";
import { fundedAccount, newTransactionId, useService } from "./support";

const points = useService();
const client = () => points.client;

describe("concurrency", () => {
  it("30 concurrent Trys on a balance that covers 10: exactly 10 hold", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionIds = Array.from({ length: 30 }, newTransactionId);

    const answers = await Promise.all(transactionIds.map((id) => client().try(id, accountNo, "100")));

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 422)).toHaveLength(20);
    expect(answers.filter((answer) => answer.status === 200).every((answer) => answer.body.verdict === "TRIED")).toBe(
      true,
    );
    expect(await client().balance(accountNo)).toEqual({ available: "0", held: "1000" });
    expect(await points.service.invariants()).toEqual([]);
  });

  it("20 concurrent duplicates of one Try racing its Cancel end consistent", async () => {
    for (let round = 0; round < 6; round++) {
      const accountNo = await fundedAccount(client(), "500");
      const transactionId = newTransactionId();

      // The Cancel answered before the Trys are sent (they race each other against its row), sent amid them, or after.
      const cancelAt = [0, 10, 20][round % 3]!;
      const tryAgain = () => client().try(transactionId, accountNo, "200");
      const early = Array.from({ length: cancelAt }, tryAgain);
      const cancelling = client().cancel(transactionId);
      if (cancelAt === 0) await cancelling;
      const tries = await Promise.all([...early, ...Array.from({ length: 20 - cancelAt }, tryAgain)]);
      const cancelled = await cancelling;
      if (cancelAt === 0) expect(cancelled.body.verdict).toBe("EMPTY_ROLLBACK");

      expect(cancelled.status).toBe(200);
      const fence = (await client().reservation(transactionId)).body;
      expect(fence.state).toBe("CANCELLED");
      // Either the Cancel came first (an empty rollback, every Try SUSPENDED) or a Try did (the Cancel released it).
      if (cancelled.body.verdict === "EMPTY_ROLLBACK") {
        for (const answer of tries) expect(answer).toMatchObject({ status: 409, body: { code: "SUSPENDED" } });
      } else {
        expect(cancelled.body.verdict).toBe("CANCELLED");
        expect(tries.filter((answer) => answer.body.verdict === "TRIED")).toHaveLength(1);
      }
      for (const answer of tries) {
        expect([200, 409]).toContain(answer.status);
        if (answer.status === 200) expect(["TRIED", "DUPLICATE"]).toContain(answer.body.verdict);
        else expect(answer.body).toMatchObject({ code: "SUSPENDED" });
      }
      expect(await client().balance(accountNo)).toEqual({ available: "500", held: "0" });
      expect(await points.service.invariants()).toEqual([]);
    }
  });

  it("concurrent Confirms and Cancels of one TRIED branch: exactly one of them acts", async () => {
    for (let round = 0; round < 4; round++) {
      const accountNo = await fundedAccount(client(), "500");
      const transactionId = newTransactionId();
      await client().try(transactionId, accountNo, "300");

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0 ? client().confirm(transactionId, "100") : client().cancel(transactionId),
        ),
      );

      const acted = answers.filter((answer) => ["CONFIRMED", "CANCELLED"].includes(answer.body.verdict));
      expect(acted).toHaveLength(1);
      const state = (await client().reservation(transactionId)).body.state;
      const expected = state === "CONFIRMED" ? { available: "400", held: "0" } : { available: "500", held: "0" };
      expect(await client().balance(accountNo)).toEqual(expected);
      for (const answer of answers) {
        if (answer.status === 200) expect(["CONFIRMED", "CANCELLED", "DUPLICATE"]).toContain(answer.body.verdict);
        else expect(answer.body).toMatchObject({ code: state === "CONFIRMED" ? "ALREADY_CONFIRMED" : "NOT_TRIED" });
      }
      expect(await points.service.invariants()).toEqual([]);
    }
  });
});
