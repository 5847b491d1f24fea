// A worker process killed between Try and Confirm — the order is reserved and SUBMITTING, the broker call in flight —
// is replaced by a new worker; recovery finds the abandoned submit, asks the broker by our order id, and the order
// completes with exactly one broker order and exact books.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLedgerViolations, type AccountRef } from "@meridian/core";
import { startSystem, stopProcess, waitUntil, type TestSystem } from "./system";

describe("worker killed mid-submit", () => {
  let system: TestSystem;
  let alice: AccountRef;

  beforeAll(async () => {
    system = await startSystem({ inProcessWorker: false });
    alice = await system.account("alice@demo.meridian");
  });
  afterAll(async () => system?.close());

  it("recovery asks the broker and settles the order after the worker is SIGKILLed during the broker call", async () => {
    const statsBefore = (await (await system.broker("atlas", "/stats")).json()) as { ordersCreated: number };
    // The broker answers slowly, so the first worker dies with the call in flight; executions are held back, so the
    // order can only be settled by recovery asking the broker.
    await system.broker("atlas", "/faults", {
      method: "PUT",
      body: JSON.stringify({ latencyMs: 1500, pauseExecutions: true }),
    });
    const first = await system.spawnWorker({ BROKER_TIMEOUT_MS: "5000" });
    const order = await system.place(alice, { symbol: "MSFT", side: "BUY", type: "MARKET", quantity: "2" });
    await waitUntil(
      async () => (await system.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status === "SUBMITTING",
      20_000,
      "order SUBMITTING",
    );
    await stopProcess(first, "SIGKILL");
    const stranded = await system.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId: order.id } });
    expect(stranded.status).toBe("TRYING");
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ latencyMs: 0 }) });

    await system.spawnWorker({ SUBMIT_ABANDONED_MS: "1000" });
    await waitUntil(
      async () => (await system.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status === "ACCEPTED",
      30_000,
      "order ACCEPTED by recovery",
    );
    expect((await system.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId: order.id } })).status).toBe(
      "CONFIRMED",
    );
    await system.broker("atlas", "/reset", { method: "POST" });
    await waitUntil(
      async () => (await system.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status === "FILLED",
      60_000,
      "order FILLED after recovery",
    );

    const filled = await system.db.prisma.order.findUniqueOrThrow({
      where: { id: order.id },
      include: { events: { orderBy: { id: "asc" } } },
    });
    // The retry comes from recovery (RETRY_SCHEDULED) or, on a slow machine, from the dead worker's expired claim
    // redelivering OrderPlaced; either way the same order id is sent again.
    expect(filled.events.map((event) => event.kind)).toEqual(
      expect.arrayContaining(["SUBMIT_ATTEMPT", "OUTCOME_UNKNOWN", "ACCEPTED", "FILLED"]),
    );
    expect((await system.db.prisma.tccTransaction.findUniqueOrThrow({ where: { orderId: order.id } })).status).toBe(
      "CONFIRMED",
    );
    const statsAfter = (await (await system.broker("atlas", "/stats")).json()) as { ordersCreated: number };
    expect(statsAfter.ordersCreated - statsBefore.ordersCreated).toBe(1);
    expect(await findLedgerViolations(system.db.prisma)).toEqual([]);
  });
});
