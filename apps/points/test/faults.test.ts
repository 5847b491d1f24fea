// The fault switches over real HTTP: lost answers, lost requests, latency that lets a Cancel overtake its Try, and a
// service that is down.
import { describe, expect, it } from "vitest";
import { call, fundedAccount, newTransactionId, useService } from "./support";

const points = useService();
const client = () => points.client;

async function timesOut(request: (signal: AbortSignal) => Promise<unknown>): Promise<boolean> {
  try {
    await request(AbortSignal.timeout(300));
    return false;
  } catch (error) {
    return (error as Error).name === "TimeoutError";
  }
}

describe("faults", () => {
  it("a dropped answer times the caller out, but the reservation is made and a retry answers DUPLICATE", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();
    points.service.faults.update({ dropResponseRate: 1 });

    expect(await timesOut((signal) => client().try(transactionId, accountNo, "400", signal))).toBe(true);
    expect(await client().balance(accountNo)).toEqual({ available: "600", held: "400" });

    points.service.faults.reset();
    const retry = await client().try(transactionId, accountNo, "400");
    expect(retry.body).toMatchObject({ verdict: "DUPLICATE", reservation: { state: "TRIED", points: "400" } });
    expect(await client().balance(accountNo)).toEqual({ available: "600", held: "400" });
  });

  it("a dropped request times the caller out and makes nothing", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();
    points.service.faults.update({ dropRequestRate: 1 });

    expect(await timesOut((signal) => client().try(transactionId, accountNo, "400", signal))).toBe(true);
    points.service.faults.reset();
    expect(await client().balance(accountNo)).toEqual({ available: "1000", held: "0" });
    expect((await client().reservation(transactionId)).status).toBe(404);
  });

  it("a Cancel that overtakes a delayed Try leaves the Try SUSPENDED (the network-level suspension)", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();
    points.service.faults.update({ latencyMs: 400 });
    const delayedTry = client().try(transactionId, accountNo, "300");
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Latency applies to Cancel too, but this one starts later and so is processed first.
    points.service.faults.update({ latencyMs: 0 });

    const cancelled = await client().cancel(transactionId);
    expect(cancelled.body.verdict).toBe("EMPTY_ROLLBACK");
    const tried = await delayedTry;
    expect(tried.status).toBe(409);
    expect(tried.body).toMatchObject({ code: "SUSPENDED" });
    expect(await client().balance(accountNo)).toEqual({ available: "1000", held: "0" });
  });

  it("down answers 503 to Try, Confirm and Cancel and changes nothing; control routes still answer", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "100");
    points.service.faults.update({ down: true });

    for (const answer of [
      await client().try(newTransactionId(), accountNo, "100"),
      await client().confirm(transactionId, "100"),
      await client().cancel(transactionId),
    ]) {
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: "UNAVAILABLE" });
    }
    expect(await client().balance(accountNo)).toEqual({ available: "900", held: "100" });
    expect((await client().reservation(transactionId)).body).toMatchObject({ state: "TRIED" });
  });

  it("errorRate 1 answers 503 before processing", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    points.service.faults.update({ errorRate: 1 });
    const answer = await client().try(newTransactionId(), accountNo, "100");
    expect(answer.status).toBe(503);
    expect(await client().balance(accountNo)).toEqual({ available: "1000", held: "0" });
  });

  it("PUT /faults merges a valid patch, refuses an invalid one whole, and POST /faults/reset clears them", async () => {
    const url = points.service.url;
    expect((await call(url, "PUT", "/faults", { latencyMs: 5 })).body).toMatchObject({ latencyMs: 5, down: false });
    const refused = await call<{ code: string; message: string }>(url, "PUT", "/faults", {
      errorRate: 0.5,
      latencyMs: 70_000,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("BAD_REQUEST");
    expect(refused.body.message).toContain("latencyMs");
    expect((await call(url, "PUT", "/faults", { bogus: 1 })).status).toBe(400);
    expect((await call(url, "GET", "/faults")).body).toMatchObject({ latencyMs: 5, errorRate: 0 });
    expect((await call(url, "POST", "/faults/reset")).body).toEqual({
      latencyMs: 0,
      dropRequestRate: 0,
      dropResponseRate: 0,
      errorRate: 0,
      down: false,
    });
  });
});
