// Try, Confirm and Cancel over HTTP: the happy paths with their balances and entries, then every anomaly the fence
// turns into a no-op or a refusal.
import { describe, expect, it } from "vitest";
import { entriesOf, fundedAccount, newTransactionId, useService } from "./support";

const points = useService();
const client = () => points.client;

describe("happy paths", () => {
  it("Try holds the points, Confirm spends them and writes one SPEND entry", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();

    const tried = await client().try(transactionId, accountNo, "300");
    expect(tried.status).toBe(200);
    expect(tried.body).toMatchObject({
      verdict: "TRIED",
      reservation: { transactionId, accountNo, state: "TRIED", points: "300", spent: "0", settledBy: null },
    });
    expect(await client().balance(accountNo)).toEqual({ available: "700", held: "300" });

    const confirmed = await client().confirm(transactionId, "300");
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      verdict: "CONFIRMED",
      reservation: { state: "CONFIRMED", points: "300", spent: "300", settledBy: "coordinator" },
    });
    expect(await client().balance(accountNo)).toEqual({ available: "700", held: "0" });
    expect(await entriesOf(points.service, accountNo)).toEqual([
      { amount: "1000", kind: "CREDIT", transaction_id: null },
      { amount: "-300", kind: "SPEND", transaction_id: transactionId },
    ]);
  });

  it("a Confirm spending part of the reservation frees the rest", async () => {
    const accountNo = await fundedAccount(client(), "500");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "400");

    const confirmed = await client().confirm(transactionId, "150");
    expect(confirmed.body).toMatchObject({ verdict: "CONFIRMED", reservation: { points: "400", spent: "150" } });
    expect(await client().balance(accountNo)).toEqual({ available: "350", held: "0" });
    expect((await entriesOf(points.service, accountNo)).map((entry) => entry.amount)).toEqual(["500", "-150"]);
  });

  it("a Confirm spending nothing frees everything and writes no entry", async () => {
    const accountNo = await fundedAccount(client(), "200");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "200");

    expect((await client().confirm(transactionId, "0")).body).toMatchObject({ verdict: "CONFIRMED" });
    expect(await client().balance(accountNo)).toEqual({ available: "200", held: "0" });
    expect(await entriesOf(points.service, accountNo)).toHaveLength(1);
  });

  it("Cancel frees the whole hold and writes no entry", async () => {
    const accountNo = await fundedAccount(client(), "800");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "800");
    expect(await client().balance(accountNo)).toEqual({ available: "0", held: "800" });

    const cancelled = await client().cancel(transactionId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      verdict: "CANCELLED",
      reservation: { state: "CANCELLED", points: "800", spent: "0", settledBy: "coordinator" },
    });
    expect(await client().balance(accountNo)).toEqual({ available: "800", held: "0" });
    expect(await entriesOf(points.service, accountNo)).toHaveLength(1);
  });
});

describe("anomalies", () => {
  it("a repeated Try holds once and answers DUPLICATE", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();
    expect((await client().try(transactionId, accountNo, "250")).body.verdict).toBe("TRIED");

    for (let i = 0; i < 3; i++) {
      const again = await client().try(transactionId, accountNo, "250");
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ verdict: "DUPLICATE", reservation: { state: "TRIED", points: "250" } });
    }
    expect(await client().balance(accountNo)).toEqual({ available: "750", held: "250" });
  });

  it("a Try after Confirm is DUPLICATE and reserves nothing again", async () => {
    const accountNo = await fundedAccount(client(), "100");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "100");
    await client().confirm(transactionId, "100");

    const late = await client().try(transactionId, accountNo, "100");
    expect(late.body).toMatchObject({ verdict: "DUPLICATE", reservation: { state: "CONFIRMED" } });
    expect(await client().balance(accountNo)).toEqual({ available: "0", held: "0" });
  });

  it("a repeated Confirm and a repeated Cancel are DUPLICATE and change nothing", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const [confirmedId, cancelledId] = [newTransactionId(), newTransactionId()];
    await client().try(confirmedId, accountNo, "300");
    await client().try(cancelledId, accountNo, "200");
    await client().confirm(confirmedId, "100");
    await client().cancel(cancelledId);
    const before = await client().balance(accountNo);

    const confirmAgain = await client().confirm(confirmedId, "100");
    expect(confirmAgain.status).toBe(200);
    expect(confirmAgain.body).toMatchObject({
      verdict: "DUPLICATE",
      reservation: { state: "CONFIRMED", spent: "100" },
    });
    const cancelAgain = await client().cancel(cancelledId);
    expect(cancelAgain.status).toBe(200);
    expect(cancelAgain.body).toMatchObject({ verdict: "DUPLICATE", reservation: { state: "CANCELLED" } });

    expect(await client().balance(accountNo)).toEqual(before);
    expect(before).toEqual({ available: "900", held: "0" });
    expect((await entriesOf(points.service, accountNo)).map((entry) => entry.amount)).toEqual(["1000", "-100"]);
  });

  it("Cancel before Try is an empty rollback, and the late Try is SUSPENDED with nothing held", async () => {
    const accountNo = await fundedAccount(client(), "500");
    const transactionId = newTransactionId();

    const early = await client().cancel(transactionId);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({
      verdict: "EMPTY_ROLLBACK",
      reservation: { state: "CANCELLED", accountNo: null, points: "0" },
    });

    const late = await client().try(transactionId, accountNo, "100");
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: "SUSPENDED" });
    expect(await client().balance(accountNo)).toEqual({ available: "500", held: "0" });
    expect((await client().reservation(transactionId)).body).toMatchObject({ state: "CANCELLED", accountNo: null });
    expect((await client().cancel(transactionId)).body.verdict).toBe("DUPLICATE");
  });

  it("Confirm after Cancel, and Confirm with no Try, are NOT_TRIED", async () => {
    const accountNo = await fundedAccount(client(), "500");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "100");
    await client().cancel(transactionId);

    const afterCancel = await client().confirm(transactionId, "100");
    expect(afterCancel.status).toBe(409);
    expect(afterCancel.body).toMatchObject({ code: "NOT_TRIED" });
    const neverTried = await client().confirm(newTransactionId(), "1");
    expect(neverTried.status).toBe(409);
    expect(neverTried.body).toMatchObject({ code: "NOT_TRIED" });
    expect(await client().balance(accountNo)).toEqual({ available: "500", held: "0" });
    expect(await entriesOf(points.service, accountNo)).toHaveLength(1);
  });

  it("Cancel after Confirm is ALREADY_CONFIRMED and gives nothing back", async () => {
    const accountNo = await fundedAccount(client(), "500");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "100");
    await client().confirm(transactionId, "60");

    const cancelled = await client().cancel(transactionId);
    expect(cancelled.status).toBe(409);
    expect(cancelled.body).toMatchObject({ code: "ALREADY_CONFIRMED" });
    expect(await client().balance(accountNo)).toEqual({ available: "440", held: "0" });
    expect((await client().reservation(transactionId)).body).toMatchObject({ state: "CONFIRMED", spent: "60" });
  });

  it("the same branch with other terms is TERMS_CONFLICT and changes nothing", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const other = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "300");

    for (const [account, amount] of [
      [accountNo, "301"],
      [other, "300"],
    ] as const) {
      const conflicting = await client().try(transactionId, account, amount);
      expect(conflicting.status).toBe(409);
      expect(conflicting.body).toMatchObject({ code: "TERMS_CONFLICT" });
    }
    const overspend = await client().confirm(transactionId, "301");
    expect(overspend.status).toBe(409);
    expect(overspend.body).toMatchObject({ code: "TERMS_CONFLICT" });
    expect(await client().balance(accountNo)).toEqual({ available: "700", held: "300" });
    expect(await client().balance(other)).toEqual({ available: "1000", held: "0" });

    await client().confirm(transactionId, "200");
    const otherSpent = await client().confirm(transactionId, "100");
    expect(otherSpent.status).toBe(409);
    expect(otherSpent.body).toMatchObject({ code: "TERMS_CONFLICT" });
    expect(await client().balance(accountNo)).toEqual({ available: "800", held: "0" });
  });

  it("a Try beyond the free balance is INSUFFICIENT_POINTS and leaves no fence", async () => {
    const accountNo = await fundedAccount(client(), "100");
    const [first, second] = [newTransactionId(), newTransactionId()];
    await client().try(first, accountNo, "60");

    const beyond = await client().try(second, accountNo, "41");
    expect(beyond.status).toBe(422);
    expect(beyond.body).toMatchObject({ code: "INSUFFICIENT_POINTS" });
    expect((beyond.body as unknown as { message: string }).message).toContain("40 points free");
    expect(await client().balance(accountNo)).toEqual({ available: "40", held: "60" });
    expect((await client().reservation(second)).status).toBe(404);

    const unknownAccount = await client().try(newTransactionId(), "T-nobody", "1");
    expect(unknownAccount.status).toBe(422);
    // No fence was left behind, so the same branch can still be tried once there is enough.
    expect((await client().try(second, accountNo, "40")).body.verdict).toBe("TRIED");
  });
});
