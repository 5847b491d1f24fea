// Exchanges and buys paid in won, end to end in one process: the customer's tRPC calls, the saga runner, the gateway
// (by hand), executions through the ledger, and an in-memory FX desk whose faults each test scripts — an answer lost
// after the desk converted, a refusal, the desk down while a compensation runs. After each: the books' invariants hold,
// every conversion the desk made is booked once in our ledger and nothing else is, and won + dollars moved only at
// the rates the desk applied.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayDriver } from "../../test/gatewayDriver";
import { createHarness, type Harness } from "../../test/harness";
import { FxDeskRefusal } from "../fxdesk/port";
import { findLedgerViolations } from "../invariants/fullCheck";
import { cancelOrder } from "../orders/cancelOrder";
import { storeExecution } from "../receiver/storeExecution";
import { SagaRunner } from "../saga/sagaRunner";
import type { AccountRef } from "../services";
import { applyExecution } from "../settlement/applyExecution";
import { amountText, dec } from "../shared/money";
import { settleAbandonedConversions } from "./conversions";
import { compareConversions } from "./reconcileDesk";
import { FX_SAGA_DEFINITIONS } from "./phases";

const SETTINGS = { pollMs: 10, stepMaxAttempts: 3, compensationMaxAttempts: 4, retryBaseMs: 1000, retryCapMs: 5000 };

describe("won and dollars through sagas", () => {
  let h: Harness;
  let runner: SagaRunner;

  beforeAll(async () => {
    h = await createHarness();
    runner = new SagaRunner(h.services, FX_SAGA_DEFINITIONS, SETTINGS);
  });
  afterAll(async () => h?.close());

  /** A customer holding `won` (and `dollars`), each booked through a ledger entry, and their API. */
  async function customer(won: string, dollars = "0") {
    const suffix = randomUUID().slice(0, 8);
    const email = `fx-${suffix}@test.meridian`;
    const user = await h.db.prisma.user.create({ data: { email, name: "FX", passwordHash: "x", role: "CUSTOMER" } });
    const account = await h.db.prisma.account.create({ data: { accountNo: `FX-${suffix}`, userId: user.id } });
    for (const [currency, amount] of [
      ["KRW", won],
      ["USD", dollars],
    ] as const) {
      await h.db.prisma.cashBalance.create({ data: { accountId: account.id, currency, available: dec(amount) } });
      if (amount !== "0")
        await h.db.prisma.ledgerEntry.create({
          data: { accountId: account.id, asset: currency, amount: dec(amount), kind: "DEPOSIT" },
        });
    }
    const ref: AccountRef = { id: account.id, accountNo: account.accountNo };
    return { account: ref, api: await h.caller(email) };
  }

  const balances = async (accountId: string) => {
    const rows = await h.db.prisma.cashBalance.findMany({ where: { accountId }, orderBy: { currency: "asc" } });
    return Object.fromEntries(
      rows.map((row) => [row.currency, { available: row.available.toString(), held: row.held.toString() }]),
    );
  };

  /** Runs every due saga until none is due, making retries due at once (as time passing would). */
  async function settle(rounds = 10) {
    for (let round = 0; round < rounds; round++) {
      await h.db.prisma
        .$executeRaw`UPDATE sagas SET next_run_at = now() - interval '1 second' WHERE status IN ('RUNNING', 'WAITING', 'COMPENSATING')`;
      await h.db.prisma
        .$executeRaw`UPDATE saga_steps SET next_attempt_at = now() - interval '1 second' WHERE status = 'PENDING'`;
      if ((await runner.runDue()) === 0) return;
    }
  }
  const saga = (id: string) =>
    h.db.prisma.saga.findUniqueOrThrow({ where: { id }, include: { steps: { orderBy: { seq: "asc" } } } });

  /**
   * The desk and our books agree: every conversion the desk made for this account is DONE in fx_conversions with the
   * same amounts and booked by exactly its two ledger entries; we have nothing DONE the desk did not make; and the
   * account's won and dollars changed by exactly the booked conversions (and the order's fills).
   */
  async function expectDeskAndBooksAgree(accountId: string) {
    const ours = await h.db.prisma.fxConversion.findMany({ where: { accountId } });
    const desk = [...h.fxDesk.conversions.values()].filter((conversion) =>
      ours.some((row) => row.clientKey === conversion.clientKey),
    );
    expect(compareConversions(ours, desk, { now: new Date(), graceMs: 0 })).toEqual([]);
    const done = ours.filter((row) => row.status === "DONE");
    expect(done.map((row) => row.clientKey).sort()).toEqual(desk.map((conversion) => conversion.clientKey).sort());
    for (const row of done) {
      const made = desk.find((conversion) => conversion.clientKey === row.clientKey)!;
      expect([row.sellAmount.toString(), row.buyAmount!.toString(), row.rate!.toFixed(2)]).toEqual([
        dec(made.sellAmount).toString(),
        dec(made.buyAmount).toString(),
        made.rate,
      ]);
      const entries = await h.db.prisma.ledgerEntry.findMany({
        where: { conversionId: row.id },
        orderBy: { asset: "asc" },
      });
      expect(entries.map((entry) => [entry.asset, entry.amount.toString()]).sort()).toEqual(
        [
          [row.sellCurrency, row.sellAmount.negated().toString()],
          [row.buyCurrency, row.buyAmount!.toString()],
        ].sort(),
      );
    }
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  }

  describe("an exchange", () => {
    it("converts won to dollars at the quoted ask, books both sides, and tells the customer", async () => {
      const { account, api } = await customer("2000000");
      const preview = await api.fx.previewExchange({ sell: "KRW", amount: "1386900" });
      expect(preview).toMatchObject({ sellAmount: "1386900", buy: "USD", buyAmount: "1000", rate: "1386.90" });
      const started = await api.fx.exchange({
        sell: "KRW",
        amount: "1386900",
        quoteId: preview.quote.quoteId,
        idempotencyKey: randomUUID(),
      });
      expect(started).toMatchObject({ status: "RUNNING", phase: "starting" });
      await settle();
      const done = await api.fx.saga({ sagaId: started.id });
      expect(done).toMatchObject({ status: "COMPLETED", phase: "exchanged" });
      expect(done.outcome).toBe("Exchanged ₩1,386,900 for $1,000.00 at ₩1386.90 per dollar.");
      expect(await balances(account.id)).toEqual({
        KRW: { available: "613100", held: "0" },
        USD: { available: "1000", held: "0" },
      });
      await expectDeskAndBooksAgree(account.id);
    });

    it("converts once when the desk's answer is lost: the retry with the same key finds the conversion made", async () => {
      const { account, api } = await customer("1000000");
      const preview = await api.fx.previewExchange({ sell: "KRW", amount: "500000" });
      h.fxDesk.failNext("convert", { afterExecuting: true });
      const started = await api.fx.exchange({
        sell: "KRW",
        amount: "500000",
        quoteId: preview.quote.quoteId,
        idempotencyKey: randomUUID(),
      });
      await runner.runDue();
      // The desk converted but we do not know it yet: the won stay held, nothing is booked, invariants hold.
      const waiting = await saga(started.id);
      expect(waiting.steps.find((step) => step.name === "CONVERT")).toMatchObject({ status: "RETRYING", attempts: 1 });
      expect(await balances(account.id)).toMatchObject({ KRW: { available: "500000", held: "500000" } });
      expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
      await settle();
      expect((await saga(started.id)).status).toBe("COMPLETED");
      const ours = await h.db.prisma.fxConversion.findMany({ where: { accountId: account.id } });
      expect(ours).toHaveLength(1);
      expect(
        h.fxDesk.calls.filter((call) => call.operation === "convert" && call.key === ours[0]!.clientKey),
      ).toHaveLength(2);
      expect(await balances(account.id)).toEqual({
        KRW: { available: "500000", held: "0" },
        USD: { available: expect.any(String), held: "0" },
      });
      await expectDeskAndBooksAgree(account.id);
    });

    it("exchanges nothing when the desk refuses the quote as expired, and releases the won", async () => {
      const { account, api } = await customer("1000000");
      const preview = await api.fx.previewExchange({ sell: "KRW", amount: "300000" });
      h.fxDesk.failNext("convert", { error: new FxDeskRefusal("QUOTE_EXPIRED", "quote expired") });
      const started = await api.fx.exchange({
        sell: "KRW",
        amount: "300000",
        quoteId: preview.quote.quoteId,
        idempotencyKey: randomUUID(),
      });
      await settle();
      const ended = await api.fx.saga({ sagaId: started.id });
      expect(ended).toMatchObject({ status: "FAILED", phase: "failed" });
      expect(ended.outcome).toMatch(/expired before it could be used; nothing was exchanged/);
      expect(await balances(account.id)).toEqual({
        KRW: { available: "1000000", held: "0" },
        USD: { available: "0", held: "0" },
      });
      await expectDeskAndBooksAgree(account.id);
    });

    it("refuses bad input and other customers' sagas, changing nothing", async () => {
      const { account, api } = await customer("1000");
      const before = await balances(account.id);
      await expect(api.fx.previewExchange({ sell: "KRW", amount: "-5" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      await expect(api.fx.previewExchange({ sell: "KRW", amount: "100.5" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(/Won have no minor unit: 100.5 KRW is not whole/),
      });
      await expect(api.fx.previewExchange({ sell: "USD", amount: "1.001" })).rejects.toMatchObject({
        message: expect.stringMatching(/Dollars have cents: 1.001 USD has more than two decimals/),
      });
      const preview = await api.fx.previewExchange({ sell: "KRW", amount: "1000" });
      await expect(
        api.fx.exchange({ sell: "KRW", amount: "5000", quoteId: preview.quote.quoteId, idempotencyKey: randomUUID() }),
      ).rejects.toThrow(/Not enough won: this needs ₩5,000 and ₩1,000 is available/);
      const key = randomUUID();
      const mine = await api.fx.exchange({
        sell: "KRW",
        amount: "1000",
        quoteId: preview.quote.quoteId,
        idempotencyKey: key,
      });
      // The same key for another amount is refused, naming what to do; the same request returns the same saga.
      await expect(
        api.fx.exchange({ sell: "KRW", amount: "999", quoteId: preview.quote.quoteId, idempotencyKey: key }),
      ).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(/already used for a different request/),
      });
      expect(
        (await api.fx.exchange({ sell: "KRW", amount: "1000", quoteId: preview.quote.quoteId, idempotencyKey: key }))
          .id,
      ).toBe(mine.id);
      const other = await customer("1000000");
      await expect(other.api.fx.saga({ sagaId: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await h.db.prisma.saga.delete({ where: { id: mine.id } });
      expect(await balances(account.id)).toEqual(before);
    });
  });

  describe("a buy paid in won", () => {
    /** The ticket: 5 AAPL at a limit of $100 (the scripted broker's price), commission held on top. */
    const TICKET = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "100.00" } as const;

    async function buyWithWon(
      api: Awaited<ReturnType<typeof customer>>["api"],
      ticket: Record<string, string> = TICKET,
    ) {
      const preview = await api.fx.previewBuyWithWon(ticket as typeof TICKET);
      const started = await api.fx.buyWithWon({
        order: ticket as typeof TICKET,
        quoteId: preview.quote.quoteId,
        maxWon: preview.wonNeeded,
        idempotencyKey: randomUUID(),
      });
      return { preview, sagaId: started.id };
    }

    /** The broker's execution, received and stored as the receiver does, then applied by the ledger. */
    async function execute(orderId: string, quantity: string, price: string) {
      const stored = await storeExecution(h.db.prisma, "atlas", {
        execId: `E-${randomUUID()}`,
        clientOrderId: orderId,
        brokerOrderId: `B-${orderId}`,
        symbol: "AAPL",
        side: "BUY",
        quantity,
        price,
        executedAt: new Date().toISOString(),
      });
      if (!stored.stored) throw new Error("duplicate execution");
      await applyExecution(h.services, stored.receiptId);
    }

    async function placedOrderOf(sagaId: string, account: AccountRef) {
      await settle();
      const waiting = await saga(sagaId);
      expect(waiting).toMatchObject({ status: "WAITING" });
      await gatewayDriver(h, account).deliverCommands(waiting.orderId!);
      return waiting.orderId!;
    }

    it("shows the rate, dollars and won before confirming, converts exactly that, and completes when the order fills", async () => {
      const { account, api } = await customer("1000000");
      const { preview, sagaId } = await buyWithWon(api);
      expect(preview).toMatchObject({ rate: "1386.90", dollarsNeeded: expect.any(String) });
      expect(dec(preview.wonNeeded).equals(dec(preview.dollarsNeeded).times("1386.90").ceil())).toBe(true);
      expect(preview.policy).toMatch(/reversed at the same rate/);
      const orderId = await placedOrderOf(sagaId, account);
      expect((await api.fx.saga({ sagaId })).phase).toBe("placed");
      await execute(orderId, "5", "99.50");
      await settle();
      const done = await api.fx.saga({ sagaId });
      expect(done).toMatchObject({ status: "COMPLETED", phase: "filled", orderId });
      expect(done.outcome).toBe(
        `Bought 5 shares, paid ${amountText("KRW", preview.wonNeeded)} at ₩1386.90 per dollar.`,
      );
      const after = await balances(account.id);
      expect(after.KRW).toEqual({ available: dec(1000000).minus(preview.wonNeeded).toString(), held: "0" });
      // The change of a fill below the limit stays in dollars, as the policy says.
      expect(dec(after.USD!.available).greaterThan(0)).toBe(true);
      await expectDeskAndBooksAgree(account.id);
    });

    it("reverses the exchange at its own rate when the broker rejects the order: every won comes back", async () => {
      const { account, api } = await customer("1000000");
      h.broker.nextSubmit = async () => ({ outcome: "REJECTED", reason: "symbol halted" });
      try {
        const { sagaId } = await buyWithWon(api);
        await placedOrderOf(sagaId, account);
        await settle();
        const ended = await api.fx.saga({ sagaId });
        expect(ended).toMatchObject({ status: "COMPENSATED", phase: "refunded" });
        expect(ended.outcome).toMatch(
          /ended rejected with 0 of 5 shares bought\. \$[\d,.]+ went back to won as ₩[\d,]+\./,
        );
        expect(ended.steps.map((step) => [step.name, step.status])).toEqual([
          ["LOCK_QUOTE", "DONE"],
          ["CONVERT_TO_USD", "DONE"],
          ["PLACE_ORDER", "DONE"],
          ["AWAIT_ORDER_END", "FAILED"],
          ["RETURN_UNUSED_DOLLARS", "DONE"],
        ]);
        expect(await balances(account.id)).toEqual({
          KRW: { available: "1000000", held: "0" },
          USD: { available: "0", held: "0" },
        });
        const reversal = await h.db.prisma.fxConversion.findFirstOrThrow({
          where: { accountId: account.id, purpose: "REVERSAL" },
        });
        expect(reversal.status).toBe("DONE");
        const notes = await h.db.prisma.orderEvent.findMany({
          where: { orderId: ended.orderId!, kind: { in: ["PAID_IN_WON", "WON_REFUNDED"] } },
          orderBy: { id: "asc" },
        });
        expect(notes.map((note) => [note.kind, note.cause])).toEqual([
          ["PAID_IN_WON", expect.stringMatching(/^paid in won: ₩[\d,]+ exchanged for \$[\d,.]+ at ₩1386.90$/)],
          [
            "WON_REFUNDED",
            expect.stringMatching(/went back to won as ₩[\d,]+ \(the exchange reversed at its own rate\)$/),
          ],
        ]);
        await expectDeskAndBooksAgree(account.id);
      } finally {
        gatewayDriver(h, account).answerPlainly();
      }
    });

    it("keeps a refund the desk cannot take PENDING, retries it with backoff, and finishes it once the desk answers", async () => {
      const { account, api } = await customer("1000000");
      const { sagaId } = await buyWithWon(api);
      const orderId = await placedOrderOf(sagaId, account);
      await cancelOrder({ ctx: { services: h.services, account, actor: "test" }, input: { orderId } });
      await gatewayDriver(h, account).deliverCommands(orderId);
      h.fxDesk.failNext("reverse");
      h.fxDesk.failNext("reverse", { afterExecuting: true });
      await h.db.prisma
        .$executeRaw`UPDATE sagas SET next_run_at = now() - interval '1 second' WHERE id = ${sagaId}::uuid`;
      await runner.runDue();
      let refund = (await saga(sagaId)).steps.find((step) => step.name === "RETURN_UNUSED_DOLLARS")!;
      expect(refund).toMatchObject({ status: "PENDING", attempts: 1 });
      expect(refund.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
      expect((await api.fx.saga({ sagaId })).phase).toBe("refunding");
      // The refund's dollars are held for it meanwhile, and the books say so.
      expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
      await settle();
      refund = (await saga(sagaId)).steps.find((step) => step.name === "RETURN_UNUSED_DOLLARS")!;
      expect(refund).toMatchObject({ status: "DONE", attempts: 3 });
      expect((await saga(sagaId)).status).toBe("COMPENSATED");
      expect(await balances(account.id)).toEqual({
        KRW: { available: "1000000", held: "0" },
        USD: { available: "0", held: "0" },
      });
      await expectDeskAndBooksAgree(account.id);
    });

    it("gives back only the dollars a partly filled order did not spend, at the desk's bid then, and none of the customer's own", async () => {
      const { account, api } = await customer("1000000", "500");
      const { preview, sagaId } = await buyWithWon(api);
      const orderId = await placedOrderOf(sagaId, account);
      await execute(orderId, "2", "100.00");
      await cancelOrder({ ctx: { services: h.services, account, actor: "test" }, input: { orderId } });
      await gatewayDriver(h, account).deliverCommands(orderId);
      h.fxDesk.bid = "1370.00";
      await settle();
      const ended = await api.fx.saga({ sagaId });
      expect(ended).toMatchObject({ status: "COMPENSATED", phase: "refunded" });
      const spent = (
        await h.db.prisma.ledgerEntry.aggregate({ where: { orderId, asset: "USD" }, _sum: { amount: true } })
      )._sum.amount!.negated();
      const unused = dec(preview.dollarsNeeded).plus(0).minus(spent);
      const refund = await h.db.prisma.fxConversion.findFirstOrThrow({
        where: { accountId: account.id, purpose: "RETURN_UNUSED" },
      });
      const bought = await h.db.prisma.fxConversion.findFirstOrThrow({
        where: { accountId: account.id, purpose: "FUND_ORDER" },
      });
      expect(refund.sellAmount.toString()).toBe(bought.buyAmount!.minus(spent).toString());
      expect(refund.buyAmount!.toString()).toBe(refund.sellAmount.times("1370.00").floor().toString());
      expect(unused.greaterThan(0)).toBe(true);
      expect(await balances(account.id)).toEqual({
        KRW: {
          available: dec(1000000).minus(bought.sellAmount).plus(refund.buyAmount!).toString(),
          held: "0",
        },
        USD: { available: "500", held: "0" },
      });
      await expectDeskAndBooksAgree(account.id);
    });

    it("exchanges nothing when the price moved above the won the customer confirmed", async () => {
      const { account, api } = await customer("1000000");
      const preview = await api.fx.previewBuyWithWon(TICKET);
      const started = await api.fx.buyWithWon({
        order: TICKET,
        quoteId: preview.quote.quoteId,
        maxWon: dec(preview.wonNeeded).minus(1).toString(),
        idempotencyKey: randomUUID(),
      });
      await settle();
      const ended = await api.fx.saga({ sagaId: started.id });
      expect(ended).toMatchObject({ status: "FAILED", phase: "failed" });
      expect(ended.outcome).toMatch(
        /^The price moved: this order now needs ₩[\d,]+, more than the ₩[\d,]+ you confirmed/,
      );
      expect(await balances(account.id)).toEqual({
        KRW: { available: "1000000", held: "0" },
        USD: { available: "0", held: "0" },
      });
      await expect(api.fx.previewBuyWithWon({ ...TICKET, side: "SELL" })).rejects.toThrow(
        /Only a buy can be paid in won/,
      );
      // A limit buy needs exactly its preview; a market buy may take 0.5% more if the ask moves before it is placed.
      expect(preview.maxWon).toBe(preview.wonNeeded);
      const market = await api.fx.previewBuyWithWon({ symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "5" });
      expect(market.maxWon).toBe(dec(market.wonNeeded).times("1.005").ceil().toString());
    });

    it("leaves a refund the desk keeps refusing to an operator; once resolved by hand, the sweep releases what it held", async () => {
      const { account, api } = await customer("1000000");
      const { sagaId } = await buyWithWon(api);
      const orderId = await placedOrderOf(sagaId, account);
      await cancelOrder({ ctx: { services: h.services, account, actor: "test" }, input: { orderId } });
      await gatewayDriver(h, account).deliverCommands(orderId);
      for (let attempt = 0; attempt < SETTINGS.compensationMaxAttempts; attempt++) h.fxDesk.failNext("reverse");
      await settle();
      const stuck = await api.fx.saga({ sagaId });
      expect(stuck).toMatchObject({ status: "NEEDS_OPERATOR", phase: "refund delayed" });
      const refund = stuck.steps.find((step) => step.name === "RETURN_UNUSED_DOLLARS")!;
      expect(refund).toMatchObject({ status: "WAITING_OPERATOR", attempts: SETTINGS.compensationMaxAttempts });
      const held = await balances(account.id);
      expect(dec(held.USD!.held).greaterThan(0)).toBe(true); // the refund's dollars wait, held, for its outcome
      expect(await findLedgerViolations(h.db.prisma)).toEqual([]);

      const operator = await h.caller("ops@demo.meridian");
      await operator.admin.sagas.resolveCompensation({
        sagaId,
        step: "RETURN_UNUSED_DOLLARS",
        reason: "customer asked to keep the dollars (ticket 7)",
      });
      await settle();
      expect((await saga(sagaId)).status).toBe("COMPENSATED");
      expect(await settleAbandonedConversions(h.services, { olderThanMs: 0 })).toEqual({ booked: 0, failed: 1 });
      const after = await balances(account.id);
      expect(after.USD).toEqual({ available: held.USD!.held, held: "0" });
      await expectDeskAndBooksAgree(account.id);
    });
  });

  it("tells the operator the FX desk did not answer its report, as a retryable 503 rather than a 500", async () => {
    const operator = await h.caller("ops@demo.meridian");
    h.fxDesk.failNext("report");
    await expect(operator.admin.sagas.fxReconciliation()).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      message: expect.stringContaining("The FX desk did not answer"),
    });
    expect((await operator.admin.sagas.fxReconciliation()).findings).toEqual([]);
  });
});
