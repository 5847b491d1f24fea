// The fee points service as its own process, with its own database, beside the worker processes. Answers to Try are
// lost on the way back, and no worker sends Confirm or Cancel (no recovery role runs): the points service settles every
// reservation by itself, asking the worker's receiver how each one ended. When a recovery role starts later, its own
// Confirms and Cancels meet settled fences and are acknowledged as duplicates. Both sides' books agree throughout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLedgerViolations, reconcileFeePoints, type AccountRef } from "@meridian/core";
import { startSystem, waitUntil, type TestSystem } from "./system";

describe("fee points across processes", () => {
  let system: TestSystem;
  let alice: AccountRef; // 5,000 points

  beforeAll(async () => {
    system = await startSystem({
      inProcessWorker: false,
      env: { POINTS_SWEEP_AFTER_MS: "1500", POINTS_SWEEP_EVERY_MS: "250", POINTS_TIMEOUT_MS: "800" },
    });
    alice = await system.account("alice@demo.meridian");
  });
  afterAll(async () => system?.close());

  const reservations = async () =>
    (
      (await (await system.pointsApi("/reservations?since=1970-01-01T00:00:00.000Z")).json()) as {
        reservations: {
          transactionId: string;
          state: string;
          points: string;
          spent: string;
          settledBy: string | null;
        }[];
      }
    ).reservations;
  const balance = async () =>
    (await (await system.pointsApi(`/accounts/${alice.accountNo}`)).json()) as { available: string; held: string };

  it("settles every reservation by its own sweep when no worker sends Confirm or Cancel, and agrees with our books", async () => {
    await system.spawnWorker({ WORKER_ROLES: "gateway,receiver,ledger" });
    const faults = await system.pointsApi("/faults", {
      method: "PUT",
      body: JSON.stringify({ dropResponseRate: 0.3 }),
    });
    expect(faults.status).toBe(200);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        system.place(alice, {
          symbol: i % 2 ? "AAPL" : "MSFT",
          side: "BUY",
          type: "LIMIT",
          quantity: "1",
          limitPrice: "900.00", // above the market: fills at once
          payFeeWithPoints: true,
        }),
      ),
    );
    await system.pointsApi("/faults/reset", { method: "POST" });
    const placed = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const lost = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(placed.length).toBeGreaterThan(0);
    expect(lost.length).toBeGreaterThan(0); // with 30 % of answers dropped, 24 tries lose some
    for (const outcome of lost)
      expect((outcome as PromiseRejectedResult).reason.message).toMatch(/fee points service did not answer/);

    // Every order fills and closes; nobody delivers its branch's end, so the service must ask.
    await waitUntil(
      async () =>
        (await system.db.prisma.order.count({ where: { accountId: alice.id, status: { not: "FILLED" } } })) === 0,
      60_000,
      "every order filled",
    );
    await waitUntil(
      async () => (await reservations()).every((row) => row.state !== "TRIED"),
      30_000,
      "the points service settled every reservation itself",
    );
    const rows = await reservations();
    expect(rows.filter((row) => row.settledBy === "sweep")).toHaveLength(rows.length);
    const orders = await system.db.prisma.order.findMany({ where: { accountId: alice.id } });
    const spent = orders.reduce((sum, order) => sum + Number(order.pointsUsed), 0);
    expect(spent).toBeGreaterThan(0);
    expect(await balance()).toMatchObject({ available: String(5000 - spent), held: "0" });
    const invariants = (await (await system.pointsApi("/invariants")).json()) as { violations: unknown[] };
    expect(invariants.violations).toEqual([]);
    // Our side still owes its Confirms and Cancels: a recovery role sends them, and each is a duplicate there.
    expect(await system.db.prisma.tccBranch.count({ where: { state: { in: ["CONFIRMING", "CANCELLING"] } } })).toBe(
      rows.length,
    );
    await system.spawnWorker({ WORKER_ROLES: "recovery" });
    await waitUntil(
      async () =>
        (await system.db.prisma.tccBranch.count({ where: { state: { in: ["CONFIRMING", "CANCELLING"] } } })) === 0,
      30_000,
      "our branch ends acknowledged",
    );
    expect(await system.db.prisma.tccBranch.count({ where: { state: "REFUSED" } })).toBe(0);
    expect(await balance()).toMatchObject({ available: String(5000 - spent), held: "0" });
    expect((await reconcileFeePoints(system.db.prisma, system.services.points)).mismatches).toEqual([]);
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });
});
