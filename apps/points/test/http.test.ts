// The HTTP surface: the bearer on every route but /health, bad input refused with a message and no change, credits,
// balances and the fence report.
import { FEE_POINTS_BRANCH } from "@meridian/core/points";
import { describe, expect, it } from "vitest";
import { call, entriesOf, fundedAccount, newTransactionId, useService } from "./support";

const points = useService();
const client = () => points.client;
const url = () => points.service.url;

describe("auth", () => {
  it("answers /health without a bearer", async () => {
    expect(await call(url(), "GET", "/health", undefined, { secret: null })).toEqual({
      status: 200,
      body: { ok: true },
    });
  });

  it("refuses a missing or wrong bearer with 401 on every other route and changes nothing", async () => {
    const accountNo = await fundedAccount(client(), "500");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "100");
    const routes: [string, string, unknown][] = [
      ["POST", "/tcc/try", { transactionId: newTransactionId(), branchId: FEE_POINTS_BRANCH, accountNo, points: "1" }],
      ["POST", "/tcc/confirm", { transactionId, branchId: FEE_POINTS_BRANCH, spent: "100" }],
      ["POST", "/tcc/cancel", { transactionId, branchId: FEE_POINTS_BRANCH }],
      ["GET", `/accounts/${accountNo}`, undefined],
      ["POST", `/accounts/${accountNo}/credits`, { key: "sneaky", points: "999", reason: "free points" }],
      ["GET", "/reservations?since=2000-01-01T00:00:00Z", undefined],
      ["GET", `/reservations/${transactionId}/${FEE_POINTS_BRANCH}`, undefined],
      ["GET", "/invariants", undefined],
      ["GET", "/faults", undefined],
      ["PUT", "/faults", { down: true }],
      ["POST", "/faults/reset", undefined],
    ];
    for (const secret of [null, "wrong", `${"x".repeat(44)}`]) {
      for (const [method, path, body] of routes) {
        const answer = await call<{ code: string; message: string }>(url(), method, path, body, { secret });
        expect(answer.status, `${method} ${path} with ${secret}`).toBe(401);
        expect(answer.body.code).toBe("UNAUTHORIZED");
      }
    }
    expect(await client().balance(accountNo)).toEqual({ available: "400", held: "100" });
    expect((await client().reservation(transactionId)).body).toMatchObject({ state: "TRIED" });
    expect(points.service.faults.current.down).toBe(false);
  });
});

describe("bad input", () => {
  it("is refused with 400 BAD_REQUEST naming what is wrong, and changes nothing", async () => {
    const accountNo = await fundedAccount(client(), "500");
    const transactionId = newTransactionId();
    const cases: [string, string, unknown, string][] = [
      ["POST", "/tcc/try", { transactionId: "not-a-uuid", branchId: "b", accountNo, points: "1" }, "transactionId"],
      ["POST", "/tcc/try", { transactionId, branchId: "b", accountNo, points: 100 }, "points"],
      ["POST", "/tcc/try", { transactionId, branchId: "b", accountNo, points: "-5" }, "points"],
      ["POST", "/tcc/try", { transactionId, branchId: "b", accountNo, points: "1.5" }, "points"],
      ["POST", "/tcc/try", { transactionId, branchId: "b", accountNo, points: "1", extra: true }, "extra"],
      ["POST", "/tcc/try", { transactionId, branchId: "", accountNo, points: "1" }, "branchId"],
      ["POST", "/tcc/confirm", { transactionId, branchId: "b" }, "spent"],
      ["POST", "/tcc/cancel", { transactionId: 42, branchId: "b" }, "transactionId"],
      ["POST", `/accounts/${accountNo}/credits`, { key: "k", points: "10" }, "reason"],
      ["GET", "/reservations", undefined, "since"],
      ["GET", "/reservations?since=yesterday", undefined, "since"],
      ["GET", `/reservations/not-a-uuid/${FEE_POINTS_BRANCH}`, undefined, "transactionId"],
      ["GET", `/accounts/${"x".repeat(65)}`, undefined, "accountNo"],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await call<{ code: string; message: string }>(url(), method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.code).toBe("BAD_REQUEST");
      expect(answer.body.message).toContain(field);
    }
    const malformed = await call<{ code: string; message: string }>(url(), "POST", "/tcc/try", undefined, {
      rawBody: "{not json",
    });
    expect(malformed).toMatchObject({ status: 400, body: { code: "BAD_REQUEST" } });
    expect(malformed.body.message).toMatch(/JSON/);

    expect(await client().balance(accountNo)).toEqual({ available: "500", held: "0" });
    expect(await entriesOf(points.service, accountNo)).toHaveLength(1);
    expect((await client().reservation(transactionId)).status).toBe(404);
  });

  it("answers 404 NOT_FOUND for an unknown route", async () => {
    const answer = await call<{ code: string }>(url(), "GET", "/nowhere");
    expect(answer).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
  });
});

describe("credits and balances", () => {
  it("an unknown account is 0/0, not 404", async () => {
    expect(await client().balance("T-never-seen")).toEqual({ available: "0", held: "0" });
  });

  it("a credit is idempotent by key; the same key with other points is TERMS_CONFLICT", async () => {
    const accountNo = `T-credit-${newTransactionId().slice(0, 8)}`;
    const first = await client().credit(accountNo, `reward:${accountNo}`, "250");
    expect(first).toEqual({ status: 200, body: { accountNo, available: "250", held: "0" } });
    expect(await client().credit(accountNo, `reward:${accountNo}`, "250")).toEqual(first);

    const conflicting = await client().credit(accountNo, `reward:${accountNo}`, "300");
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({ code: "TERMS_CONFLICT" });
    const otherAccount = await client().credit(`${accountNo}-b`, `reward:${accountNo}`, "250");
    expect(otherAccount.status).toBe(409);

    expect(await client().balance(accountNo)).toEqual({ available: "250", held: "0" });
    expect(await entriesOf(points.service, accountNo)).toEqual([
      { amount: "250", kind: "CREDIT", transaction_id: null },
    ]);
  });

  it("concurrent deliveries of one credit credit once", async () => {
    const accountNo = `T-race-${newTransactionId().slice(0, 8)}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => client().credit(accountNo, "once", "70")));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(await client().balance(accountNo)).toEqual({ available: "70", held: "0" });
  });
});

describe("the fence report", () => {
  it("lists rows updated since an instant, oldest first, and one row by its key", async () => {
    const accountNo = await fundedAccount(client(), "500");
    const since = new Date(Date.now() - 1000).toISOString();
    const [first, second] = [newTransactionId(), newTransactionId()];
    await client().try(first, accountNo, "100");
    await client().try(second, accountNo, "100");
    await client().confirm(first, "50");

    const report = await call<{ reservations: { transactionId: string; state: string }[] }>(
      url(),
      "GET",
      `/reservations?since=${encodeURIComponent(since)}`,
    );
    expect(report.status).toBe(200);
    const ours = report.body.reservations.filter((row) => [first, second].includes(row.transactionId));
    expect(ours).toEqual([
      expect.objectContaining({ transactionId: second, state: "TRIED" }),
      expect.objectContaining({ transactionId: first, state: "CONFIRMED" }),
    ]);
    const future = await call<{ reservations: unknown[] }>(url(), "GET", "/reservations?since=2999-01-01T00:00:00Z");
    expect(future.body.reservations).toEqual([]);

    const one = await client().reservation(first);
    expect(one.body).toMatchObject({ transactionId: first, branchId: FEE_POINTS_BRANCH, accountNo, spent: "50" });
    const missing = await client().reservation(newTransactionId());
    expect(missing).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
  });

  it("GET /invariants answers an empty list when the books agree", async () => {
    expect(await call(url(), "GET", "/invariants")).toEqual({ status: 200, body: { violations: [] } });
  });
});
