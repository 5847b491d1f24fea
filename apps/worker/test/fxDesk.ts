// What the cross-process saga tests share: the simulated FX desk's control routes (faults, reset, stats, the daily
// report), customers with won and dollars who call the real tRPC routers, a seeded random for replayable batches, and
// the one closing check every scenario ends with — the desk's report and our books agree conversion by conversion,
// nothing was converted twice, every saga ended, and the ledger invariants hold.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { dec, findLedgerViolations, type AccountRef, type Decimal } from "@meridian/core";
import type { BrokerFaultsPatch } from "@meridian/core/broker";
import type { FxConversion, FxDeskStats } from "@meridian/core/fxdesk";
import { appRouter, createCallerFactory, createTrpcContext } from "@meridian/core/trpc";
import { waitUntil, type TestSystem } from "./system";

/** Saga settings small enough for tests, for a spawned worker (every role, the saga runner included). */
export const FAST_SAGAS: NodeJS.ProcessEnv = {
  SAGA_POLL_MS: "50",
  SAGA_RETRY_BASE_MS: "100",
  SAGA_RETRY_CAP_MS: "800",
  SAGA_STEP_MAX_ATTEMPTS: "5",
  SAGA_COMPENSATION_MAX_ATTEMPTS: "40",
};

/** The FX desk's control routes (never subject to its faults) and its report (a partner route: reset faults first). */
export function fxDeskControl(system: TestSystem) {
  const url = (path: string) => `${system.env.FX_DESK_URL}${path}`;
  const call = async (path: string, init?: RequestInit) => {
    const response = await fetch(url(path), { ...init, headers: { "content-type": "application/json" } });
    if (!response.ok)
      throw new Error(`FX desk ${init?.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };
  return {
    faults: (patch: BrokerFaultsPatch) => call("/faults", { method: "PUT", body: JSON.stringify(patch) }),
    reset: () => call("/reset", { method: "POST" }),
    stats: () => call("/stats") as Promise<FxDeskStats>,
    report: (since: Date) =>
      call(`/report?since=${encodeURIComponent(since.toISOString())}`) as Promise<FxConversion[]>,
  };
}

/** A broker's fault switches on the simulator (atlas is where the stock orders go). */
export async function brokerFaults(system: TestSystem, brokerId: string, patch: BrokerFaultsPatch | "reset") {
  const response =
    patch === "reset"
      ? await system.broker(brokerId, "/reset", { method: "POST" })
      : await system.broker(brokerId, "/faults", { method: "PUT", body: JSON.stringify(patch) });
  if (!response.ok) throw new Error(`${brokerId} faults: ${response.status} ${await response.text()}`);
}

const customerCaller = (system: TestSystem, userId: string) => {
  const session = { user: { userId, role: "CUSTOMER" as const }, save: async () => {}, destroy: async () => {} };
  return createCallerFactory(appRouter)(createTrpcContext({ services: system.services, session }));
};

export type CustomerApi = ReturnType<typeof customerCaller>;

export interface FxCustomer {
  account: AccountRef;
  api: CustomerApi;
  deposits: { KRW: Decimal; USD: Decimal };
}

/** A customer holding `won` and `dollars`, each booked through a DEPOSIT ledger entry, and their tRPC caller. */
export async function fxCustomer(system: TestSystem, won: string, dollars = "0"): Promise<FxCustomer> {
  const prisma = system.db.prisma;
  const suffix = randomUUID().slice(0, 8);
  const user = await prisma.user.create({
    data: { email: `fx-${suffix}@test.meridian`, name: "FX", passwordHash: "x", role: "CUSTOMER" },
  });
  const account = await prisma.account.create({ data: { accountNo: `FX-${suffix}`, userId: user.id } });
  for (const [currency, amount] of [
    ["KRW", won],
    ["USD", dollars],
  ] as const) {
    await prisma.cashBalance.create({ data: { accountId: account.id, currency, available: dec(amount) } });
    if (amount !== "0")
      await prisma.ledgerEntry.create({
        data: { accountId: account.id, asset: currency, amount: dec(amount), kind: "DEPOSIT" },
      });
  }
  const session = {
    user: { userId: user.id, role: "CUSTOMER" as const },
    save: async () => {},
    destroy: async () => {},
  };
  const api = createCallerFactory(appRouter)(createTrpcContext({ services: system.services, session }));
  return {
    account: { id: account.id, accountNo: account.accountNo },
    api,
    deposits: { KRW: dec(won), USD: dec(dollars) },
  };
}

/** Runs `body`; a failure is rethrown with the seed that replays it (FX_TEST_SEED=<seed>). */
export async function withSeed<T>(seed: number, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const wrapped = new Error(`[replay with FX_TEST_SEED=${seed}] ${text}`);
    if (error instanceof Error) wrapped.stack = `${wrapped.message}\n${error.stack ?? ""}`;
    throw wrapped;
  }
}

export function testSeed(): number {
  const given = process.env.FX_TEST_SEED;
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

export const ENDED = ["COMPLETED", "COMPENSATED", "FAILED", "NEEDS_OPERATOR"];

/** Waits until every saga is in an end state (NEEDS_OPERATOR counts: it waits for a person, not for time). */
export async function waitForSagasToEnd(system: TestSystem, sagaIds: string[], timeoutMs = 90_000): Promise<void> {
  let open: { id: string; status: string }[] = [];
  await waitUntil(
    async () => {
      open = await system.db.prisma.saga.findMany({
        where: { id: { in: sagaIds }, status: { notIn: ENDED as never } },
        select: { id: true, status: true },
      });
      return open.length === 0;
    },
    timeoutMs,
    `sagas still running: ${JSON.stringify(open)}`,
  ).catch(async (error: unknown) => {
    const steps = await system.db.prisma.sagaStep.findMany({ where: { sagaId: { in: open.map((saga) => saga.id) } } });
    throw new Error(
      `${(error as Error).message}\nsteps: ${JSON.stringify(steps.map((s) => [s.sagaId.slice(0, 8), s.name, s.status, s.attempts, s.lastError]))}`,
    );
  });
}

const sum = (values: Decimal[]) => values.reduce((total, value) => total.plus(value), dec(0));

/**
 * The closing check of every scenario, over the given customers' sagas:
 *  (a) won and dollars moved only at the rates the desk applied: the desk's report (since `since`) and our DONE
 *      fx_conversions are the same set, one to one, with the same currencies, amounts and rate; each DONE conversion is
 *      booked by exactly its two ledger entries; each account's won and dollars are its deposits plus exactly those
 *      conversions (and, for dollars, what its orders spent);
 *  (b) nothing converted twice: each clientKey once in the report, no saga with two DONE conversions of one purpose, a
 *      buy's dollars given back at most once;
 *  (c) every saga ended: COMPLETED, COMPENSATED, FAILED (and then nothing was exchanged for it) or NEEDS_OPERATOR, with
 *      nothing held for a conversion by a saga that ended otherwise;
 *  (d) the ledger invariants hold (findLedgerViolations, conversion holds and CONVERSION_NE_LEDGER included).
 * Returns the sagas and conversions for scenario-specific assertions.
 */
export async function expectFxBooksExact(
  system: TestSystem,
  customers: FxCustomer[],
  since: Date,
  options: { allowNeedsOperator?: boolean } = {},
) {
  const prisma = system.db.prisma;
  const accountIds = customers.map((customer) => customer.account.id);
  const sagas = await prisma.saga.findMany({ where: { accountId: { in: accountIds } }, include: { steps: true } });
  const ours = await prisma.fxConversion.findMany({ where: { accountId: { in: accountIds } } });
  await fxDeskControl(system).reset();
  const report = await fxDeskControl(system).report(since);

  // (c) every saga ended.
  const allowed = options.allowNeedsOperator ? ENDED : ENDED.filter((status) => status !== "NEEDS_OPERATOR");
  expect(
    sagas.filter((saga) => !allowed.includes(saga.status)).map((saga) => `${saga.id} ${saga.type} ${saga.status}`),
    "sagas not ended",
  ).toEqual([]);
  for (const saga of sagas.filter((saga) => saga.status === "FAILED"))
    expect(
      ours.filter((row) => row.sagaId === saga.id && row.status === "DONE").map((row) => row.purpose),
      `FAILED saga ${saga.id} exchanged something`,
    ).toEqual([]);
  const requested = ours.filter((row) => row.status === "REQUESTED");
  expect(
    requested
      .filter((row) => sagas.find((saga) => saga.id === row.sagaId)?.status !== "NEEDS_OPERATOR")
      .map((row) => `${row.purpose} ${row.clientKey}`),
    "conversions left REQUESTED (held) by a saga that ended",
  ).toEqual([]);

  // (b) nothing converted twice.
  const reportKeys = report.map((conversion) => conversion.clientKey);
  expect(reportKeys.length, "a clientKey twice in the desk's report").toBe(new Set(reportKeys).size);
  const done = ours.filter((row) => row.status === "DONE");
  const perPurpose = new Map<string, number>();
  for (const row of done)
    perPurpose.set(`${row.sagaId} ${row.purpose}`, (perPurpose.get(`${row.sagaId} ${row.purpose}`) ?? 0) + 1);
  expect(
    [...perPurpose].filter(([, count]) => count > 1),
    "a saga with two DONE conversions of one purpose",
  ).toEqual([]);
  for (const saga of sagas) {
    const back = done.filter(
      (row) => row.sagaId === saga.id && (row.purpose === "REVERSAL" || row.purpose === "RETURN_UNUSED"),
    );
    expect(back.length, `saga ${saga.id} gave dollars back more than once`).toBeLessThanOrEqual(1);
  }

  // (a) the desk's report and our DONE conversions, one to one.
  const ourKeys = new Set(ours.map((row) => row.clientKey));
  const deskOurs = report.filter((conversion) => ourKeys.has(conversion.clientKey));
  const unknown = report.filter((conversion) => !ourKeys.has(conversion.clientKey));
  expect(
    unknown.map((conversion) => conversion.clientKey),
    "the desk converted under keys we never recorded",
  ).toEqual([]);
  const awaitingOperator = new Set(requested.map((row) => row.clientKey));
  expect(
    deskOurs
      .filter((conversion) => !awaitingOperator.has(conversion.clientKey))
      .map((conversion) => conversion.clientKey)
      .sort(),
    "the desk's conversions vs our DONE ones",
  ).toEqual(done.map((row) => row.clientKey).sort());
  for (const row of done) {
    const made = deskOurs.find((conversion) => conversion.clientKey === row.clientKey)!;
    expect(
      [row.sellCurrency, row.sellAmount.toString(), row.buyCurrency, row.buyAmount!.toString(), row.rate!.toFixed(2)],
      `conversion ${row.clientKey} (${row.purpose}) as booked vs as the desk made it`,
    ).toEqual([made.sell, dec(made.sellAmount).toString(), made.buy, dec(made.buyAmount).toString(), made.rate]);
    const entries = await prisma.ledgerEntry.findMany({ where: { conversionId: row.id } });
    expect(
      entries.map((entry) => [entry.asset, entry.amount.toString()]).sort(),
      `ledger entries of conversion ${row.clientKey}`,
    ).toEqual(
      [
        [row.sellCurrency, row.sellAmount.negated().toString()],
        [row.buyCurrency, row.buyAmount!.toString()],
      ].sort(),
    );
  }
  const notDone = ours.filter((row) => row.status !== "DONE").map((row) => row.id);
  expect(
    await prisma.ledgerEntry.count({ where: { conversionId: { in: notDone } } }),
    "entries of conversions not DONE",
  ).toBe(0);
  const totals = (
    currency: "KRW" | "USD",
    conversions: { sell: string; sellAmount: string; buy: string; buyAmount: string }[],
  ) =>
    sum(
      conversions.map((c) =>
        c.buy === currency ? dec(c.buyAmount) : c.sell === currency ? dec(c.sellAmount).negated() : dec(0),
      ),
    );
  const asWire = (row: (typeof done)[number]) => ({
    sell: row.sellCurrency,
    sellAmount: row.sellAmount.toString(),
    buy: row.buyCurrency,
    buyAmount: row.buyAmount!.toString(),
  });
  for (const currency of ["KRW", "USD"] as const)
    expect(totals(currency, done.map(asWire)).toString(), `Σ ${currency} of our conversions vs the desk's`).toBe(
      totals(
        currency,
        deskOurs.filter((c) => !awaitingOperator.has(c.clientKey)),
      ).toString(),
    );

  // Each account: won = deposit + its conversions; dollars = deposit + its conversions + what its orders moved.
  for (const customer of customers) {
    const accountId = customer.account.id;
    const mine = done.filter((row) => row.accountId === accountId).map(asWire);
    const cash = await prisma.cashBalance.findMany({ where: { accountId } });
    const total = (currency: string) => {
      const row = cash.find((balance) => balance.currency === currency)!;
      return row.available.plus(row.held).minus(row.debit);
    };
    expect(total("KRW").toString(), `won of account ${customer.account.accountNo}`).toBe(
      customer.deposits.KRW.plus(totals("KRW", mine)).toString(),
    );
    const byOrders = await prisma.ledgerEntry.aggregate({
      where: { accountId, asset: "USD", orderId: { not: null } },
      _sum: { amount: true },
    });
    expect(total("USD").toString(), `dollars of account ${customer.account.accountNo}`).toBe(
      customer.deposits.USD.plus(totals("USD", mine))
        .plus(byOrders._sum.amount ?? 0)
        .toString(),
    );
  }

  // (d) the books.
  expect(await findLedgerViolations(prisma), "ledger invariants").toEqual([]);
  return { sagas, conversions: ours, report: deskOurs };
}
