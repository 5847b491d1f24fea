// Reconciliation (대사) against the running broker simulator. Orders are placed and filled normally; then one
// divergence of each class is seeded — at the broker through its own HTTP API (an order we never sent, a cancel we
// never heard of, executions held back), on our side through test-only direct database writes (a receipt's price, a
// filled quantity, an order set ACCEPTED or NEEDS_ATTENTION behind the gateway's back). A run must report each class
// exactly where it was seeded, change nothing but the one automatic repair, and apply fixes only when approved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cancelOrder,
  findLedgerViolations,
  type AccountRef,
  type ReconItemView,
  type ReconRunView,
} from "@meridian/core";
import type { BrokerOrderView } from "@meridian/core/broker";
import { appRouter, createCallerFactory, createTrpcContext } from "@meridian/core/trpc";
import { runReconciliationSchedule } from "../src/roles/reconciliation";
import { startSystem, waitUntil, type TestSystem } from "./system";

/** The console's tRPC procedures, called as the seeded operator. */
function operatorCaller(system: TestSystem, userId: string) {
  // As the console is once the operator confirmed their password (step-up): runs and decisions need it.
  const session = { user: { userId, role: "OPERATOR" as const }, steppedUpAt: new Date() };
  return createCallerFactory(appRouter)(createTrpcContext({ services: system.services, session }));
}

describe("reconciliation against the broker simulator", () => {
  let system: TestSystem;
  let ops: ReturnType<typeof operatorCaller>;
  let operator: string;
  let alice: AccountRef;
  let bob: AccountRef;
  let chloe: AccountRef;
  let since: string;
  const previousGrace = process.env.RECON_GRACE_MS;
  /** The seeded orders, by the mismatch they carry. */
  const seeded = {
    clean: [] as string[],
    price: "",
    quantity: "",
    brokerCancelled: "",
    gaveUp: "",
    ghost: "",
    foreign: "",
    paused: "",
  };

  const prisma = () => system.db.prisma;
  const order = (id: string) => prisma().order.findUniqueOrThrow({ where: { id } });
  const settled = (id: string, status: string) =>
    waitUntil(async () => (await order(id)).status === status, 20_000, `order ${id} → ${status}`);
  const report = async (brokerId: string): Promise<BrokerOrderView[]> =>
    (await (await system.broker(brokerId, "/orders")).json()) as BrokerOrderView[];
  const atBroker = async (brokerId: string, clientOrderId: string) =>
    (await report(brokerId)).find((entry) => entry.clientOrderId === clientOrderId);
  const brokerSettled = (brokerId: string, clientOrderId: string, status: string) =>
    waitUntil(
      async () => (await atBroker(brokerId, clientOrderId))?.status === status,
      20_000,
      `${brokerId} order ${clientOrderId} → ${status}`,
    );
  const deliveriesIdle = (brokerId: string) =>
    waitUntil(
      async () =>
        ((await (await system.broker(brokerId, "/stats")).json()) as { deliveriesPending: number })
          .deliveriesPending === 0,
      20_000,
      `${brokerId} webhooks delivered`,
    );
  const put = (brokerId: string, path: string, body: unknown) =>
    system.broker(brokerId, path, { method: "PUT", body: JSON.stringify(body) });
  const post = (brokerId: string, path: string, body?: unknown) =>
    system.broker(brokerId, path, { method: "POST", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const rows = (items: ReconItemView[]) =>
    items.map((item) => `${item.class} ${item.clientOrderId} ${item.proposedFix} ${item.status}`).sort();
  const latestRun = async (brokerId: string) => (await ops.admin.recon.runs({ brokerId, limit: 1 }))[0]!;
  const itemsOf = (run: ReconRunView) => ops.admin.recon.items({ runId: run.id });
  const itemFor = async (run: ReconRunView, clientOrderId: string, mismatchClass: string) => {
    const found = (await itemsOf(run)).filter(
      (item) => item.clientOrderId === clientOrderId && item.class === mismatchClass,
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  /**
   * Everything a run must not touch: orders, balances, holdings, points, ledger entries and receipts, outside chloe's
   * account.
   */
  const books = async (except: AccountRef) => {
    const where = { accountId: { not: except.id } };
    const [orders, cash, holdings, ledgerEntries, receipts, audit] = await Promise.all([
      prisma().order.findMany({
        where,
        orderBy: { id: "asc" },
        select: {
          id: true,
          status: true,
          version: true,
          filledQuantity: true,
          heldCash: true,
          heldQuantity: true,
          heldPoints: true,
        },
      }),
      prisma().cashBalance.findMany({ where, orderBy: { accountId: "asc" } }),
      prisma().holding.findMany({ where, orderBy: [{ accountId: "asc" }, { symbol: "asc" }] }),
      prisma().ledgerEntry.count({ where }),
      prisma().executionReceipt.findMany({ where: { order: where }, orderBy: { id: "asc" } }),
      prisma().auditLog.count(),
    ]);
    return JSON.parse(JSON.stringify({ orders, cash, holdings, ledgerEntries, receipts, audit }));
  };
  const fillsOf = async (orderId: string) => ({
    receipts: await prisma().executionReceipt.count({ where: { orderId } }),
    ledgerEntries: await prisma().ledgerEntry.count({ where: { orderId } }),
    order: await order(orderId),
  });

  beforeAll(async () => {
    // Seeded executions are minutes old in production; here they are seconds old, so no webhook grace.
    process.env.RECON_GRACE_MS = "0";
    // One attempt: an order whose submit meets a broker that is down goes straight to NEEDS_ATTENTION.
    system = await startSystem({ maxAttempts: 1 });
    since = new Date(Date.now() - 60_000).toISOString();
    alice = await system.account("alice@demo.meridian");
    bob = await system.account("bob@demo.meridian");
    chloe = await system.account("chloe@demo.meridian");
    const opsUser = await prisma().user.findUniqueOrThrow({ where: { email: "ops@demo.meridian" } });
    ops = operatorCaller(system, opsUser.id);
    operator = `operator:${opsUser.id}`;

    // Filled normally on both brokers; two of them get a divergence on our side below.
    const fills = await Promise.all([
      system.place(alice, { symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "2" }),
      system.place(alice, { symbol: "GOOGL", side: "BUY", type: "MARKET", quantity: "2" }),
      system.place(alice, { symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "1" }),
      system.place(bob, { symbol: "TSLA", side: "SELL", type: "MARKET", quantity: "1" }),
    ]);
    for (const placed of fills) await settled(placed.id, "FILLED");
    [seeded.price, seeded.quantity] = [fills[0]!.id, fills[1]!.id];
    seeded.clean = [fills[2]!.id, fills[3]!.id];

    // Resting limit orders, accepted on both sides.
    await post("atlas", "/quotes/MSFT", { last: "400.00" });
    await post("atlas", "/quotes/META", { last: "600.00" });
    const resting = await Promise.all([
      system.place(alice, { symbol: "MSFT", side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "300.00" }),
      system.place(bob, { symbol: "META", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "300.00" }),
    ]);
    for (const placed of resting) await settled(placed.id, "ACCEPTED");
    [seeded.brokerCancelled, seeded.gaveUp] = [resting[0]!.id, resting[1]!.id];

    // An order atlas never saw: submitted while it was down (→ NEEDS_ATTENTION after the one attempt).
    await put("atlas", "/faults", { down: true });
    const ghost = await system.place(alice, { symbol: "AMZN", side: "BUY", type: "MARKET", quantity: "1" });
    await settled(ghost.id, "NEEDS_ATTENTION");
    await post("atlas", "/reset");
    seeded.ghost = ghost.id;

    // An order placed at atlas by someone else under a client order id we do not know; its webhooks are refused.
    seeded.foreign = crypto.randomUUID();
    const foreign = await post("atlas", "/orders", {
      clientOrderId: seeded.foreign,
      accountRef: "not-ours",
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "1",
    });
    expect(((await foreign.json()) as { outcome: string }).outcome).toBe("ACCEPTED");
    await brokerSettled("atlas", seeded.foreign, "FILLED");

    // Harbor fills chloe's order while holding its execution webhooks back: we never hear of the fills.
    await put("harbor", "/faults", { pauseExecutions: true });
    const paused = await system.place(chloe, { symbol: "NVDA", side: "BUY", type: "MARKET", quantity: "3" });
    await settled(paused.id, "ACCEPTED");
    await brokerSettled("harbor", paused.id, "FILLED");
    seeded.paused = paused.id;

    // Divergences on our side (test-only direct writes) and at the broker (its own API, behind our back).
    await prisma()
      .$executeRaw`UPDATE execution_receipts SET price = price + 1 WHERE id = (SELECT id FROM execution_receipts WHERE order_id = ${seeded.price}::uuid ORDER BY exec_id LIMIT 1)`;
    await prisma()
      .$executeRaw`UPDATE orders SET filled_quantity = filled_quantity - 1, version = version + 1 WHERE id = ${seeded.quantity}::uuid`;
    expect(
      ((await (await post("atlas", `/orders/${seeded.brokerCancelled}/cancel`)).json()) as { outcome: string }).outcome,
    ).toBe("CANCELLED");
    await prisma()
      .$executeRaw`UPDATE orders SET status = 'NEEDS_ATTENTION', version = version + 1 WHERE id = ${seeded.gaveUp}::uuid AND status = 'ACCEPTED'`;
    await prisma()
      .$executeRaw`UPDATE orders SET status = 'ACCEPTED', broker_order_id = 'AT-NEVER', version = version + 1 WHERE id = ${seeded.ghost}::uuid AND status = 'NEEDS_ATTENTION'`;
    await deliveriesIdle("atlas");
    expect(await findLedgerViolations(prisma())).toEqual([]);
  });

  afterAll(async () => {
    if (previousGrace === undefined) delete process.env.RECON_GRACE_MS;
    else process.env.RECON_GRACE_MS = previousGrace;
    await system?.close();
  });

  it("reports each seeded mismatch exactly where it was seeded, and changes nothing but the missing fills", async () => {
    const before = await books(chloe);
    const brokerFills = (await atBroker("harbor", seeded.paused))!.executions;
    expect(brokerFills.length).toBeGreaterThan(0);
    expect(await fillsOf(seeded.paused)).toMatchObject({ receipts: 0, ledgerEntries: 0 });

    const runs = await ops.admin.recon.run({ since });
    expect(runs.map((run) => [run.brokerId, run.error, run.ordersInFlight])).toEqual([
      ["atlas", null, 0],
      ["harbor", null, 0],
    ]);
    const [atlasRun, harborRun] = runs as [ReconRunView, ReconRunView];
    expect(rows(await itemsOf(atlasRun))).toEqual(
      [
        `MISSING_AT_BROKER ${seeded.ghost} CLOSE_REJECTED PROPOSED`,
        `MISSING_HERE ${seeded.foreign} ACKNOWLEDGE PROPOSED`,
        `PRICE ${seeded.price} ACKNOWLEDGE PROPOSED`,
        `QUANTITY ${seeded.quantity} ACKNOWLEDGE PROPOSED`,
        `STATUS ${seeded.brokerCancelled} CLOSE_CANCELLED PROPOSED`,
        `STATUS ${seeded.gaveUp} MARK_ACCEPTED PROPOSED`,
      ].sort(),
    );
    expect(atlasRun.countsByClass).toEqual({
      MISSING_AT_BROKER: 1,
      MISSING_HERE: 1,
      QUANTITY: 1,
      PRICE: 1,
      STATUS: 2,
      MISSING_EXECUTION: 0,
    });
    const harborItems = await itemsOf(harborRun);
    expect(rows(harborItems)).toEqual(
      brokerFills.map(() => `MISSING_EXECUTION ${seeded.paused} INGEST_EXECUTION AUTO_APPLIED`),
    );
    expect(harborItems.map((item) => item.execId).sort()).toEqual(brokerFills.map((fill) => fill.execId).sort());
    expect(harborRun).toMatchObject({ mismatches: brokerFills.length, autoApplied: brokerFills.length });

    // The item carries both sides in plain strings for the console.
    const price = await itemFor(atlasRun, seeded.price, "PRICE");
    expect(Number(price.detail.execution!.ourPrice) - Number(price.detail.execution!.price)).toBeCloseTo(1, 6);
    expect(price).toMatchObject({
      orderId: seeded.price,
      accountNo: "M-100-0001",
      detail: { ours: { status: "FILLED", filledQuantity: "2" }, broker: { status: "FILLED", filledQuantity: "2" } },
    });

    // The automatic repair reaches the books through the receiver and the ledger, like the webhook would have.
    await settled(seeded.paused, "FILLED");
    const repaired = await fillsOf(seeded.paused);
    expect(repaired.receipts).toBe(brokerFills.length);
    expect(repaired.order.filledQuantity.toString()).toBe("3");
    expect(repaired.order.heldCash.toString()).toBe("0");
    expect(await findLedgerViolations(prisma())).toEqual([]);

    // Nothing else moved: no order, balance, holding, points row, ledger entry, receipt or audit row.
    expect(await books(chloe)).toEqual(before);
  });

  it("ingests a missing fill once however often it runs, and the late webhooks stop at the unique key", async () => {
    const before = await books(chloe);
    const fills = await fillsOf(seeded.paused);
    const cash = await prisma().cashBalance.findFirstOrThrow({ where: { accountId: chloe.id, currency: "USD" } });

    const [atlasRun, harborRun] = (await ops.admin.recon.run({ since })) as [ReconRunView, ReconRunView];
    expect(await itemsOf(harborRun)).toEqual([]);
    expect(atlasRun.countsByClass).toEqual({
      MISSING_AT_BROKER: 1,
      MISSING_HERE: 1,
      QUANTITY: 1,
      PRICE: 1,
      STATUS: 2,
      MISSING_EXECUTION: 0,
    });
    // One open proposal per live mismatch: the first run's are carried by this run's.
    const firstRun = (await ops.admin.recon.runs({ brokerId: "atlas" }))[1]!;
    expect((await itemsOf(firstRun)).map((item) => item.status)).toEqual(Array(6).fill("SUPERSEDED"));

    await put("harbor", "/faults", { pauseExecutions: false });
    await deliveriesIdle("harbor");
    const stats = (await (await system.broker("harbor", "/stats")).json()) as {
      executionsSent: number;
      webhooksAbandoned: number;
    };
    expect(stats.webhooksAbandoned).toBe(0);

    expect(await fillsOf(seeded.paused)).toEqual(fills);
    expect(await prisma().cashBalance.findFirstOrThrow({ where: { accountId: chloe.id, currency: "USD" } })).toEqual(
      cash,
    );
    expect(await books(chloe)).toEqual(before);
    expect(await findLedgerViolations(prisma())).toEqual([]);
  });

  it("applies an approved fix in one audited transaction, and refuses a second decision with nothing changed", async () => {
    const run = await latestRun("atlas");
    const cancelled = await itemFor(run, seeded.brokerCancelled, "STATUS");
    const reason = "atlas confirmed the cancel on the phone";
    const applied = await ops.admin.recon.decide({ itemId: cancelled.id, decision: "APPROVE", reason });
    expect(applied).toMatchObject({ status: "APPLIED", decidedBy: operator, reason, version: cancelled.version + 1 });

    const closed = await order(seeded.brokerCancelled);
    expect([closed.status, closed.heldCash.toString(), closed.statusReason]).toEqual([
      "CANCELLED",
      "0",
      "closed by reconciliation: atlas reports it CANCELLED",
    ]);
    expect((await prisma().tccTransaction.findUniqueOrThrow({ where: { orderId: closed.id } })).status).toBe(
      "CANCELLED",
    );
    const audit = await prisma().auditLog.findMany({ where: { targetType: "recon_item", targetId: cancelled.id } });
    expect(audit).toMatchObject([
      {
        actor: operator,
        action: "recon.approve",
        reason,
        detail: {
          orderId: closed.id,
          proposedFix: "CLOSE_CANCELLED",
          orderStatusBefore: "ACCEPTED",
          orderStatusAfter: "CANCELLED",
        },
      },
    ]);
    const events = await prisma().orderEvent.findMany({ where: { orderId: closed.id, kind: "RECON_CANCELLED" } });
    expect(events).toMatchObject([{ actor: operator, fromStatus: "ACCEPTED", toStatus: "CANCELLED" }]);
    expect(await findLedgerViolations(prisma())).toEqual([]);

    const before = await books(chloe);
    await expect(ops.admin.recon.decide({ itemId: cancelled.id, decision: "APPROVE", reason })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("already applied"),
    });
    await expect(ops.admin.recon.decide({ itemId: cancelled.id, decision: "REJECT", reason })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    expect(await books(chloe)).toEqual(before);
  });

  it("closes an order the broker never received, releasing its reservation", async () => {
    const run = await latestRun("atlas");
    const ghost = await itemFor(run, seeded.ghost, "MISSING_AT_BROKER");
    const held = (await order(seeded.ghost)).heldCash;
    expect(held.greaterThan(0)).toBe(true);
    const cashBefore = await prisma().cashBalance.findFirstOrThrow({ where: { accountId: alice.id, currency: "USD" } });
    await ops.admin.recon.decide({
      itemId: ghost.id,
      decision: "APPROVE",
      reason: "atlas has no record of this order",
    });
    const closed = await order(seeded.ghost);
    expect([closed.status, closed.heldCash.toString()]).toEqual(["REJECTED", "0"]);
    const cashAfter = await prisma().cashBalance.findFirstOrThrow({ where: { accountId: alice.id, currency: "USD" } });
    expect(cashAfter.available.minus(cashBefore.available).toString()).toBe(held.toString());
    expect(cashBefore.held.minus(cashAfter.held).toString()).toBe(held.toString());
    expect(await findLedgerViolations(prisma())).toEqual([]);
  });

  it("rejects with a reason, then refuses to approve the rejected item; acknowledgements change no order", async () => {
    const run = await latestRun("atlas");
    const gaveUp = await itemFor(run, seeded.gaveUp, "STATUS");
    await expect(ops.admin.recon.decide({ itemId: gaveUp.id, decision: "REJECT", reason: "no" })).rejects.toMatchObject(
      { code: "BAD_REQUEST" },
    );
    const rejected = await ops.admin.recon.decide({
      itemId: gaveUp.id,
      decision: "REJECT",
      reason: "checking with harbor desk first",
    });
    expect(rejected).toMatchObject({
      status: "REJECTED",
      reason: "checking with harbor desk first",
      decidedBy: operator,
    });

    const before = await books(chloe);
    await expect(
      ops.admin.recon.decide({ itemId: gaveUp.id, decision: "APPROVE", reason: "changed my mind after all" }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("rejected") });
    expect((await order(seeded.gaveUp)).status).toBe("NEEDS_ATTENTION");
    expect(await books(chloe)).toEqual(before);

    // Neither can the older item of that mismatch, which a newer run superseded (the refusal names the decision on the
    // newest), nor one the run applied itself.
    const firstRun = (await ops.admin.recon.runs({ brokerId: "atlas", limit: 10 })).at(-1)!;
    const superseded = await itemFor(firstRun, seeded.gaveUp, "STATUS");
    expect(superseded.status).toBe("SUPERSEDED");
    await expect(
      ops.admin.recon.decide({ itemId: superseded.id, decision: "APPROVE", reason: "approving an old proposal" }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("checking with harbor desk first"),
    });
    const [auto] = await ops.admin.recon.items({ status: "AUTO_APPLIED", limit: 1 });
    await expect(
      ops.admin.recon.decide({ itemId: auto!.id, decision: "APPROVE", reason: "approving an automatic fix" }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(await books(chloe)).toEqual(before);

    // Acknowledging a break with no safe fix records the decision and a timeline note, and touches no books. It is
    // decided on the first run's item, as an operator who opened it before the newer run would: a proposal found
    // again, with the same fix against the same state, is the same proposal, and the decision goes to the newest item.
    const foreign = await itemFor(run, seeded.foreign, "MISSING_HERE");
    const foreignFirstSeen = await itemFor(firstRun, seeded.foreign, "MISSING_HERE");
    expect(foreignFirstSeen.status).toBe("SUPERSEDED");
    const acknowledged = await ops.admin.recon.decide({
      itemId: foreignFirstSeen.id,
      decision: "APPROVE",
      reason: "not ours; atlas desk will bust it",
    });
    expect([acknowledged.id, acknowledged.status]).toEqual([foreign.id, "APPLIED"]);
    expect((await itemFor(firstRun, seeded.foreign, "MISSING_HERE")).status).toBe("SUPERSEDED");
    expect(
      await prisma().auditLog.findMany({
        where: { targetType: "recon_item", targetId: foreign.id },
        select: { detail: true },
      }),
    ).toMatchObject([{ detail: { decidedOnItemId: foreignFirstSeen.id } }]);
    const price = await itemFor(run, seeded.price, "PRICE");
    await ops.admin.recon.decide({
      itemId: price.id,
      decision: "APPROVE",
      reason: "receipt typo; the ledger used the right price",
    });
    expect(await prisma().orderEvent.count({ where: { orderId: seeded.price, kind: "RECON_ACKNOWLEDGED" } })).toBe(1);
    const after = await books(chloe);
    expect({ ...after, audit: before.audit }).toEqual(before);
    expect(after.audit).toBe(before.audit + 2);
  });

  it("refuses a fix whose order moved since the run", async () => {
    const [atlasRun] = (await ops.admin.recon.run({ brokerId: "atlas", since })) as [ReconRunView];
    // What nobody fixed is still reported; what was fixed is gone.
    expect(rows(await itemsOf(atlasRun))).toEqual(
      [
        `MISSING_HERE ${seeded.foreign} ACKNOWLEDGE PROPOSED`,
        `PRICE ${seeded.price} ACKNOWLEDGE PROPOSED`,
        `QUANTITY ${seeded.quantity} ACKNOWLEDGE PROPOSED`,
        `STATUS ${seeded.gaveUp} MARK_ACCEPTED PROPOSED`,
      ].sort(),
    );
    const gaveUp = await itemFor(atlasRun, seeded.gaveUp, "STATUS");
    await cancelOrder({
      ctx: { services: system.services, account: bob, actor: "test" },
      input: { orderId: seeded.gaveUp },
    });
    await settled(seeded.gaveUp, "CANCELLED");
    const before = await books(chloe);
    await expect(
      ops.admin.recon.decide({ itemId: gaveUp.id, decision: "APPROVE", reason: "the broker does have it" }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("run reconciliation again"),
    });
    expect(await books(chloe)).toEqual(before);
    expect((await ops.admin.recon.items({ runId: atlasRun.id, class: "STATUS" }))[0]!.status).toBe("PROPOSED");
    expect(await findLedgerViolations(prisma())).toEqual([]);
  });

  it("refuses bad console input with a clear error", async () => {
    await expect(ops.admin.recon.run({ brokerId: "nowhere" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no broker"),
    });
    await expect(ops.admin.recon.run({ since: new Date(Date.now() + 3_600_000).toISOString() })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(ops.admin.recon.run({ since: "yesterday" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      ops.admin.recon.decide({ itemId: crypto.randomUUID(), decision: "APPROVE", reason: "does not exist" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("runs on a schedule: one pass per broker per interval however many workers run the role, windows chained", async () => {
    const stop = new AbortController();
    const schedule = { intervalMs: 1000, graceMs: 0, overlapMs: 500 };
    const workers = [
      runReconciliationSchedule(system.services, schedule, stop.signal),
      runReconciliationSchedule(system.services, schedule, stop.signal),
    ];
    const scheduled = (brokerId: string) =>
      prisma().reconRun.findMany({ where: { brokerId, triggeredBy: "schedule" }, orderBy: { startedAt: "asc" } });
    try {
      await waitUntil(
        async () =>
          (await scheduled("atlas")).filter((run) => run.finishedAt).length >= 3 &&
          (await scheduled("harbor")).filter((run) => run.finishedAt).length >= 3,
        30_000,
        "three scheduled runs per broker",
      );
    } finally {
      stop.abort();
      await Promise.all(workers);
    }
    for (const brokerId of ["atlas", "harbor"]) {
      const runs = (await scheduled(brokerId)).filter((run) => run.finishedAt && !run.error);
      for (const [previous, next] of runs.slice(0, -1).map((run, index) => [run, runs[index + 1]!] as const)) {
        expect(next.startedAt.getTime() - previous.startedAt.getTime()).toBeGreaterThanOrEqual(schedule.intervalMs / 2);
        expect(next.windowStart.getTime()).toBeLessThanOrEqual(previous.windowEnd.getTime());
      }
    }
    expect(await findLedgerViolations(prisma())).toEqual([]);
  });
});
