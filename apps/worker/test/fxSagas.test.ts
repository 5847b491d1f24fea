// Exchanges and buys paid in won across processes: the customer's tRPC calls in this process, the sagas run by a real
// worker process (every role: saga runner, gateway, receiver, ledger, recovery), the real FX desk and broker simulator
// with their fault switches. The in-process versions with a scripted desk are packages/core/src/fx/fxSagas.test.ts;
// here the faults are the simulator's own — responses dropped after the desk converted, 5xx, the desk down while a
// refund runs, the orchestrator SIGKILLed between steps, the same request delivered twice at once. Every scenario ends
// with expectFxBooksExact (./fxDesk.ts): the desk's report and our books agree one to one, nothing was converted
// twice, every saga ended, and the ledger invariants hold. A randomized batch prints its seed on failure
// (FX_TEST_SEED=<seed> replays our side of it).
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOrder, findLedgerViolations, isTerminal } from "@meridian/core";
import {
  brokerFaults,
  expectFxBooksExact,
  FAST_SAGAS,
  fxCustomer,
  fxDeskControl,
  testSeed,
  waitForSagasToEnd,
  withSeed,
  type FxCustomer,
} from "./fxDesk";
import { seededRandom } from "./executionFeed";
import { startSystem, stopProcess, waitUntil, type TestSystem } from "./system";

process.env.LOG_LEVEL ??= "error";
// The desk's breaker state is shared through Redis by this process and the workers: the same threshold for all, one
// that stays closed under the injected failure rates (it still opens when every call fails, as with the desk down).
process.env.BROKER_BREAKER_FAILURE_PERCENT = "100";

/** A customer call that needs the desk, repeated while the desk's breaker is still open from an earlier scenario. */
async function whenDeskAnswers<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as { code?: string }).code !== "SERVICE_UNAVAILABLE" || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The worker's settings: fast sagas, short partner timeouts (a dropped response costs 600 ms), and recovery that
 * takes over a dead worker's submits after a second. */
const WORKER_ENV: NodeJS.ProcessEnv = {
  ...FAST_SAGAS,
  LOG_LEVEL: "error",
  BROKER_TIMEOUT_MS: "600",
  SUBMIT_ABANDONED_MS: "1000",
};

/** Atlas's listing prices (apps/broker/src/quotes.ts); a limit 25 % above fills at once, $1 rests until cancelled. */
const LISTED = { AAPL: 228.5, MSFT: 415.2, AMZN: 195.8, GOOGL: 170.1 } as const;
type Symbol = keyof typeof LISTED;
const crossingLimit = (symbol: Symbol) => (LISTED[symbol] * 1.25).toFixed(2);

type Kind = "exchange-won" | "exchange-dollars" | "buy-fills" | "buy-cancelled";

interface Started {
  kind: Kind;
  customer: FxCustomer;
  sagaId: string;
}

describe("won and dollars through sagas, across processes, with the FX desk's faults", () => {
  let system: TestSystem;
  let worker: ChildProcess;
  let desk: ReturnType<typeof fxDeskControl>;

  beforeAll(async () => {
    system = await startSystem({ inProcessWorker: false, brokerTimeoutMs: 600 });
    desk = fxDeskControl(system);
    worker = await system.spawnWorker(WORKER_ENV);
  });
  afterAll(async () => system?.close());

  const prisma = () => system.db.prisma;
  const sagaOf = (id: string) =>
    prisma().saga.findUniqueOrThrow({ where: { id }, include: { steps: { orderBy: { seq: "asc" } } } });

  /** Starts one saga of `kind` for a new customer, previewing (and so quoting) before any fault is switched on. */
  async function prepare(kind: Kind, random: () => number) {
    const symbols = Object.keys(LISTED) as Symbol[];
    const customer = await fxCustomer(system, "10000000", kind === "exchange-dollars" ? "2000" : "0");
    if (kind === "exchange-won" || kind === "exchange-dollars") {
      const sell = kind === "exchange-won" ? "KRW" : "USD";
      const amount =
        sell === "KRW" ? String(100_000 + Math.floor(random() * 2_900_000)) : (10 + random() * 1900).toFixed(2);
      const preview = await whenDeskAnswers(() => customer.api.fx.previewExchange({ sell, amount }));
      const request = { sell, amount, quoteId: preview.quote.quoteId, idempotencyKey: randomUUID() } as const;
      return { kind, customer, start: () => customer.api.fx.exchange(request) };
    }
    const symbol = symbols[Math.floor(random() * symbols.length)]!;
    const order = {
      symbol,
      side: "BUY",
      type: "LIMIT",
      quantity: String(1 + Math.floor(random() * 4)),
      limitPrice: kind === "buy-fills" ? crossingLimit(symbol) : "1.00",
    } as const;
    const preview = await whenDeskAnswers(() => customer.api.fx.previewBuyWithWon(order));
    const request = { order, quoteId: preview.quote.quoteId, maxWon: preview.wonNeeded, idempotencyKey: randomUUID() };
    return { kind, customer, start: () => customer.api.fx.buyWithWon(request) };
  }

  /** Cancels each resting order of a "buy-cancelled" saga once the broker has it, until `done` resolves. */
  async function cancelRestingOrders(started: Started[], done: Promise<unknown>) {
    let finished = false;
    void done.finally(() => (finished = true));
    const cancelled = new Set<string>();
    while (!finished) {
      for (const { customer, sagaId } of started.filter((entry) => entry.kind === "buy-cancelled")) {
        if (cancelled.has(sagaId)) continue;
        const saga = await prisma().saga.findUniqueOrThrow({ where: { id: sagaId } });
        if (!saga.orderId) continue;
        const order = await prisma().order.findUniqueOrThrow({ where: { id: saga.orderId } });
        if (isTerminal(order.status)) cancelled.add(sagaId);
        if (order.status !== "ACCEPTED") continue;
        cancelled.add(sagaId);
        await cancelOrder({
          ctx: { services: system.services, account: customer.account, actor: "test" },
          input: { orderId: order.id },
        }).catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("converts, places and refunds exactly once while the desk drops half its answers (20 sagas, seeded)", async () => {
    const seed = testSeed();
    await withSeed(seed, async () => {
      const random = seededRandom(seed);
      const since = new Date();
      const kinds: Kind[] = [
        ...Array<Kind>(4).fill("exchange-won"),
        ...Array<Kind>(2).fill("exchange-dollars"),
        ...Array<Kind>(7).fill("buy-fills"),
        ...Array<Kind>(7).fill("buy-cancelled"),
      ].sort(() => random() - 0.5);
      const prepared = [];
      for (const kind of kinds) prepared.push(await prepare(kind, random));
      const statsBefore = await desk.stats();

      // Dropped responses (the desk converted or reversed, we never heard) on conversions and reversals; 5xx on every
      // call, which is how the quote lookup (whose response the desk never drops) loses its answer. Some orders are
      // rejected by the broker, the rest fill or rest until cancelled.
      await desk.faults({ dropResponseRate: 0.5, errorRate: 0.25 });
      await brokerFaults(system, "atlas", { rejectRate: 0.3 });
      const started: Started[] = await Promise.all(
        prepared.map(async ({ kind, customer, start }) => ({ kind, customer, sagaId: (await start()).id })),
      );
      const ended = waitForSagasToEnd(
        system,
        started.map((entry) => entry.sagaId),
        150_000,
      );
      await Promise.all([ended, cancelRestingOrders(started, ended)]);
      await brokerFaults(system, "atlas", "reset");

      const { sagas, conversions } = await expectFxBooksExact(
        system,
        started.map((entry) => entry.customer),
        since,
      );
      // The faults reached every step: each was tried more than once somewhere, and the desk was asked again for
      // conversions it had already made (answered with the one made, never converted twice).
      const retried = (names: string[]) =>
        sagas.flatMap((saga) => saga.steps).filter((step) => names.includes(step.name) && step.attempts > 1).length;
      expect(retried(["LOCK_QUOTE"]), "a quote lookup answered only on a retry").toBeGreaterThan(0);
      expect(retried(["CONVERT", "CONVERT_TO_USD"]), "a conversion answered only on a retry").toBeGreaterThan(0);
      expect(retried(["RETURN_UNUSED_DOLLARS"]), "a refund answered only on a retry").toBeGreaterThan(0);
      const statsAfter = await desk.stats();
      expect(
        statsAfter.duplicateRequests - statsBefore.duplicateRequests,
        "repeats of a conversion made",
      ).toBeGreaterThan(0);
      expect(statsAfter.conversions + statsAfter.reversals - statsBefore.conversions - statsBefore.reversals).toBe(
        conversions.filter((row) => row.status === "DONE").length,
      );
      const statuses = sagas.map((saga) => saga.status);
      expect(statuses, "some buys completed").toContain("COMPLETED");
      expect(statuses, "some buys were refunded").toContain("COMPENSATED");
    });
  });

  it("finishes every saga exactly once after the orchestrator is SIGKILLed between steps", async () => {
    const seed = testSeed();
    await withSeed(seed, async () => {
      const random = seededRandom(seed);
      const since = new Date();
      const kinds: Kind[] = ["exchange-won", "exchange-dollars", "buy-fills", "buy-fills", "exchange-won", "buy-fills"];
      const prepared = [];
      for (let round = 0; round < 2; round++) for (const kind of kinds) prepared.push(await prepare(kind, random));
      // A slow desk keeps calls in flight, and the broker rejects half the orders so refunds are in flight too.
      await desk.faults({ latencyMs: 250, latencyJitterMs: 200 });
      await brokerFaults(system, "atlas", { rejectRate: 0.5 });
      const started: Started[] = await Promise.all(
        prepared.map(async ({ kind, customer, start }) => ({ kind, customer, sagaId: (await start()).id })),
      );
      const ids = started.map((entry) => entry.sagaId);
      // Kill once work is mid-way: some step done, some conversion held and not yet answered, some saga not ended.
      await waitUntil(
        async () => {
          const [doneSteps, requested, open] = await Promise.all([
            prisma().sagaStep.count({ where: { sagaId: { in: ids }, status: "DONE", name: { not: "LOCK_QUOTE" } } }),
            prisma().fxConversion.count({ where: { sagaId: { in: ids }, status: "REQUESTED" } }),
            prisma().saga.count({ where: { id: { in: ids }, status: { in: ["RUNNING", "WAITING", "COMPENSATING"] } } }),
          ]);
          return doneSteps > 0 && requested > 0 && open > 0;
        },
        60_000,
        "sagas mid-way",
      );
      await stopProcess(worker, "SIGKILL");
      const stranded = await prisma().saga.findMany({
        where: { id: { in: ids }, status: { in: ["RUNNING", "WAITING", "COMPENSATING"] } },
      });
      expect(stranded.length, "sagas in flight when the worker died").toBeGreaterThan(0);
      expect(
        stranded.some((saga) => saga.leaseOwner !== null),
        "a saga leased by the dead worker",
      ).toBe(true);
      await desk.faults({ latencyMs: 0, latencyJitterMs: 0 });

      // Two new orchestrators (the second with the saga role only) take each saga over once the dead one's lease lapses,
      // one at a time by the lease, and repeat the step it was in with the same idempotency key.
      worker = await system.spawnWorker(WORKER_ENV);
      await system.spawnWorker({ ...WORKER_ENV, WORKER_ROLES: "saga" });
      await waitForSagasToEnd(system, ids, 120_000);
      await brokerFaults(system, "atlas", "reset");
      const { sagas } = await expectFxBooksExact(
        system,
        started.map((entry) => entry.customer),
        since,
      );
      expect(
        sagas.filter((saga) => stranded.some((s) => s.id === saga.id)).every((saga) => saga.status !== "RUNNING"),
      ).toBe(true);
    });
  });

  it("keeps a refund PENDING with attempts and a next time while the desk is down, and does it once the desk is back", async () => {
    const since = new Date();
    const customer = await fxCustomer(system, "5000000");
    const order = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "3", limitPrice: "1.00" } as const;
    const preview = await whenDeskAnswers(() => customer.api.fx.previewBuyWithWon(order));
    const { id: sagaId } = await customer.api.fx.buyWithWon({
      order,
      quoteId: preview.quote.quoteId,
      maxWon: preview.wonNeeded,
      idempotencyKey: randomUUID(),
    });
    let orderId = "";
    await waitUntil(
      async () => {
        const saga = await sagaOf(sagaId);
        if (!saga.orderId) return false;
        orderId = saga.orderId;
        return (await prisma().order.findUniqueOrThrow({ where: { id: orderId } })).status === "ACCEPTED";
      },
      30_000,
      "the order resting at the broker",
    );
    await desk.faults({ down: true });
    await cancelOrder({
      ctx: { services: system.services, account: customer.account, actor: "test" },
      input: { orderId },
    });

    // Observed: the compensation registered, failing against the down desk, PENDING with its tries and a next time.
    const refund = () =>
      prisma().sagaStep.findUnique({ where: { sagaId_name: { sagaId, name: "RETURN_UNUSED_DOLLARS" } } });
    let pending: Awaited<ReturnType<typeof refund>> = null;
    await waitUntil(
      async () => {
        const step = await refund();
        if (step?.status === "PENDING" && step.attempts >= 3 && step.nextAttemptAt) pending = step;
        return pending !== null;
      },
      30_000,
      "the refund PENDING after three tries",
    );
    expect(pending!).toMatchObject({
      kind: "COMPENSATION",
      status: "PENDING",
      lastError: expect.stringMatching(/^try \d+: /),
    });
    expect((await sagaOf(sagaId)).status).toBe("COMPENSATING");
    expect((await customer.api.fx.saga({ sagaId })).phase).toBe("refunding");
    // The dollars to give back stay held for the refund meanwhile, and the books say so.
    const held = await prisma().fxConversion.findFirstOrThrow({
      where: { sagaId, purpose: { in: ["REVERSAL", "RETURN_UNUSED"] } },
    });
    expect(held.status).toBe("REQUESTED");
    expect(await findLedgerViolations(prisma())).toEqual([]);
    // Retried while down: the attempts keep growing, each with a later next time.
    const triesWhileDown = pending!.attempts;
    await waitUntil(async () => ((await refund())?.attempts ?? 0) > triesWhileDown, 10_000, "another try while down");

    await desk.faults({ down: false });
    await waitForSagasToEnd(system, [sagaId], 30_000);
    const done = await refund();
    expect(done).toMatchObject({ status: "DONE" });
    expect(done!.attempts).toBeGreaterThan(triesWhileDown);
    expect(await customer.api.fx.saga({ sagaId })).toMatchObject({ status: "COMPENSATED", phase: "refunded" });
    const { conversions } = await expectFxBooksExact(system, [customer], since);
    expect(conversions.map((row) => [row.purpose, row.status]).sort()).toEqual([
      ["FUND_ORDER", "DONE"],
      ["REVERSAL", "DONE"],
    ]);
    // Reversed at its own rate: every won came back.
    const krw = await prisma().cashBalance.findUniqueOrThrow({
      where: { accountId_currency: { accountId: customer.account.id, currency: "KRW" } },
    });
    expect([krw.available.toString(), krw.held.toString()]).toEqual(["5000000", "0"]);
  });

  it("starts one saga and converts once when the same exchange and the same buy are delivered twice at once", async () => {
    const since = new Date();
    const exchanger = await fxCustomer(system, "3000000");
    const buyer = await fxCustomer(system, "3000000");
    const exchangePreview = await whenDeskAnswers(() =>
      exchanger.api.fx.previewExchange({ sell: "KRW", amount: "1000000" }),
    );
    const exchange = {
      sell: "KRW",
      amount: "1000000",
      quoteId: exchangePreview.quote.quoteId,
      idempotencyKey: randomUUID(),
    } as const;
    const order = {
      symbol: "MSFT",
      side: "BUY",
      type: "LIMIT",
      quantity: "1",
      limitPrice: crossingLimit("MSFT"),
    } as const;
    const buyPreview = await whenDeskAnswers(() => buyer.api.fx.previewBuyWithWon(order));
    const buy = {
      order,
      quoteId: buyPreview.quote.quoteId,
      maxWon: buyPreview.wonNeeded,
      idempotencyKey: randomUUID(),
    };
    // Answers dropped too, so the worker's own retries meet the duplicate deliveries.
    await desk.faults({ dropResponseRate: 0.3 });
    const answers = await Promise.all([
      exchanger.api.fx.exchange(exchange),
      exchanger.api.fx.exchange(exchange),
      exchanger.api.fx.exchange(exchange),
      buyer.api.fx.buyWithWon(buy),
      buyer.api.fx.buyWithWon(buy),
      buyer.api.fx.buyWithWon(buy),
    ]);
    // One saga per request key, however many deliveries.
    const exchangeIds = new Set(answers.slice(0, 3).map((answer) => answer.id));
    const buyIds = new Set(answers.slice(3).map((answer) => answer.id));
    expect([exchangeIds.size, buyIds.size]).toEqual([1, 1]);
    const [exchangeId, buyId] = [[...exchangeIds][0]!, [...buyIds][0]!];
    await waitForSagasToEnd(system, [exchangeId, buyId], 60_000);
    // Delivered once more after it ended: the same saga, as it ended.
    expect(await exchanger.api.fx.exchange(exchange)).toMatchObject({ id: exchangeId, status: "COMPLETED" });
    expect(await buyer.api.fx.buyWithWon(buy)).toMatchObject({ id: buyId, status: "COMPLETED" });

    const { sagas, conversions, report } = await expectFxBooksExact(system, [exchanger, buyer], since);
    expect(sagas).toHaveLength(2);
    expect(conversions.map((row) => [row.purpose, row.status]).sort()).toEqual([
      ["EXCHANGE", "DONE"],
      ["FUND_ORDER", "DONE"],
    ]);
    expect(report).toHaveLength(2);
    expect(await prisma().order.count({ where: { accountId: buyer.account.id } })).toBe(1);
  });
});
