// One conversion at the FX desk, exactly once, with nothing held longer than it must be — the same three moves for the
// customer's own exchange, the dollars a won-paid buy needs, and the unused dollars going back:
//   1. under the account lock: hold what is sold and write our fx_conversions row REQUESTED, keyed by the saga step's
//      idempotency key (a repeat finds the row and holds nothing again);
//   2. ask the desk with that key (the desk converts once per key; a repeat answers the conversion it made);
//   3. under the account lock: DONE with the desk's amounts and rate, booked in the ledger (FX_SELL, FX_BUY) — or, when
//      the desk refused, FAILED with the hold released.
// An answer we did not get (timeout, 5xx, desk down, flow control refusing) leaves the row REQUESTED and the hold in
// place, and throws: the saga retries with the same key. It never assumes the desk did not convert.
import type { FxConversion as FxConversionRow, Tx } from "@meridian/db";
import { FxDeskRefusal, type Currency, type FxConversion } from "../fxdesk/port";
import { conversionMismatch, formatAmount } from "../fxdesk/rounding";
import { bookConversion, holdForConversion, releaseConversionHold } from "../ledger/balances";
import { inAccountTransaction } from "../lock/accountTransaction";
import type { CoreServices } from "../services";
import { AccountBusyError, DomainError } from "../shared/errors";
import { dec, type Decimal } from "../shared/money";
import { StepFailed } from "../saga/definition";

export type ConversionPurpose = "EXCHANGE" | "FUND_ORDER" | "RETURN_UNUSED" | "REVERSAL";

export interface ConversionPlan {
  accountId: string;
  sagaId: string;
  clientKey: string;
  purpose: ConversionPurpose;
  sell: Currency;
  buy: Currency;
  sellAmount: Decimal;
  /** The quote whose rate applies; none: the desk's rate when the request arrives. */
  quoteId?: string;
  /** A reversal: the key of the conversion the desk undoes (at its rate and amounts). */
  reverses?: string;
}

/** What the saga keeps of a conversion: the amounts and rate as booked. */
export interface ConversionDone {
  conversionId: string;
  sell: Currency;
  sellAmount: string;
  buy: Currency;
  buyAmount: string;
  rate: string;
}

const writer = (plan: ConversionPlan) => ({
  actor: `saga:${plan.sagaId}`,
  cause: `${plan.purpose.toLowerCase()} ${plan.sellAmount.toString()} ${plan.sell} → ${plan.buy}`,
});

export async function convertOnce(services: CoreServices, plan: ConversionPlan): Promise<ConversionDone> {
  const row = await requestConversion(services, plan).catch((error: unknown) => {
    // Not enough to sell (spent meanwhile by another channel): a definite no, nothing was held.
    if (error instanceof DomainError && !(error instanceof AccountBusyError)) throw new StepFailed(error.message);
    throw error;
  });
  if (row.status === "DONE") return doneOf(row);
  // A retry asks the desk for exactly what the first try held and recorded, even if the caller would plan otherwise now.
  plan = { ...plan, sellAmount: row.sellAmount, sell: row.sellCurrency as Currency, buy: row.buyCurrency as Currency };
  if (row.status === "FAILED") throw new StepFailed(row.failure ?? "The FX desk refused this conversion.");
  let answer: FxConversion;
  try {
    answer = plan.reverses
      ? await services.fxDesk.reverse(plan.reverses, plan.clientKey)
      : await services.fxDesk.convert({
          clientKey: plan.clientKey,
          sell: plan.sell,
          buy: plan.buy,
          sellAmount: formatAmount(plan.sell, plan.sellAmount),
          ...(plan.quoteId ? { quoteId: plan.quoteId } : {}),
        });
  } catch (error) {
    if (error instanceof FxDeskRefusal) {
      await failConversion(services, plan, row, refusalMessage(error));
      throw new StepFailed(refusalMessage(error));
    }
    throw error;
  }
  return bookAnswer(services, plan, row, answer);
}

/** Step 1: the hold and our REQUESTED row, once per key. */
async function requestConversion(services: CoreServices, plan: ConversionPlan): Promise<FxConversionRow> {
  const existing = await services.prisma.fxConversion.findUnique({ where: { clientKey: plan.clientKey } });
  if (existing) return existing;
  return inAccountTransaction(services, plan.accountId, writer(plan), async (tx) => {
    const again = await tx.fxConversion.findUnique({ where: { clientKey: plan.clientKey } });
    if (again) return again;
    await holdForConversion(tx, plan.accountId, plan.sell, plan.sellAmount);
    return tx.fxConversion.create({
      data: {
        accountId: plan.accountId,
        sagaId: plan.sagaId,
        clientKey: plan.clientKey,
        purpose: plan.purpose,
        quoteId: plan.quoteId ?? null,
        sellCurrency: plan.sell,
        sellAmount: plan.sellAmount,
        buyCurrency: plan.buy,
      },
    });
  });
}

/** Step 3, answered: booked once (the row's REQUESTED → DONE is the guard), after checking the desk's arithmetic. */
async function bookAnswer(
  services: CoreServices,
  plan: ConversionPlan,
  row: FxConversionRow,
  answer: FxConversion,
): Promise<ConversionDone> {
  const problem = plan.reverses
    ? answer.sell !== plan.sell || !dec(answer.sellAmount).equals(plan.sellAmount)
      ? `the desk reversed ${answer.sellAmount} ${answer.sell}, we hold ${plan.sellAmount.toString()} ${plan.sell}`
      : null
    : conversionMismatch(
        {
          clientKey: plan.clientKey,
          sell: plan.sell,
          buy: plan.buy,
          sellAmount: formatAmount(plan.sell, plan.sellAmount),
        },
        answer,
      );
  // The desk did something other than we asked: nothing is booked; the step keeps failing until an operator looks.
  if (problem) throw new Error(`FX desk answer for ${plan.clientKey} does not match: ${problem}`);
  return inAccountTransaction(services, plan.accountId, writer(plan), async (tx) => {
    const [marked] = await tx.fxConversion.updateManyAndReturn({
      where: { id: row.id, status: "REQUESTED" },
      data: {
        status: "DONE",
        buyAmount: dec(answer.buyAmount),
        rate: dec(answer.rate),
        deskConversionId: answer.conversionId,
        doneAt: new Date(),
      },
    });
    if (!marked) return doneOf(await tx.fxConversion.findUniqueOrThrow({ where: { id: row.id } }));
    await bookConversion(tx, {
      accountId: plan.accountId,
      conversionId: row.id,
      sell: { currency: plan.sell, amount: plan.sellAmount },
      buy: { currency: plan.buy, amount: dec(answer.buyAmount) },
    });
    return doneOf(marked);
  });
}

/** Step 3, refused: the desk answered no, so nothing was converted; the hold goes back. */
async function failConversion(services: CoreServices, plan: ConversionPlan, row: FxConversionRow, failure: string) {
  await inAccountTransaction(services, plan.accountId, writer(plan), async (tx: Tx) => {
    const [marked] = await tx.fxConversion.updateManyAndReturn({
      where: { id: row.id, status: "REQUESTED" },
      data: { status: "FAILED", failure },
    });
    if (marked) await releaseConversionHold(tx, { accountId: plan.accountId }, plan.sell, plan.sellAmount);
  });
}

function doneOf(row: FxConversionRow): ConversionDone {
  return {
    conversionId: row.id,
    sell: row.sellCurrency as Currency,
    sellAmount: row.sellAmount.toString(),
    buy: row.buyCurrency as Currency,
    buyAmount: row.buyAmount!.toString(),
    rate: row.rate!.toString(),
  };
}

function refusalMessage(refusal: FxDeskRefusal): string {
  switch (refusal.code) {
    case "QUOTE_EXPIRED":
    case "QUOTE_UNKNOWN":
      return "The rate you confirmed expired before it could be used; nothing was exchanged. Get a new rate and confirm again.";
    default:
      return `The FX desk refused the conversion (${refusal.code}: ${refusal.message}); nothing was exchanged.`;
  }
}

/** A REQUESTED row as the plan that made it (what a sweep needs to finish it). */
function planOf(row: FxConversionRow): ConversionPlan {
  return {
    accountId: row.accountId,
    sagaId: row.sagaId ?? "none",
    clientKey: row.clientKey,
    purpose: row.purpose as ConversionPurpose,
    sell: row.sellCurrency as Currency,
    buy: row.buyCurrency as Currency,
    sellAmount: row.sellAmount,
    ...(row.quoteId ? { quoteId: row.quoteId } : {}),
  };
}

/**
 * The participant cleaning up after itself (seed 004): a conversion still REQUESTED, older than `olderThanMs`, whose
 * saga will not finish it (the saga ended, or an operator resolved its step by hand). The desk is asked by our key: a
 * conversion it made is booked; one it never made is FAILED and its hold released. Returns what it settled.
 */
export async function settleAbandonedConversions(
  services: CoreServices,
  options: { olderThanMs: number },
): Promise<{ booked: number; failed: number }> {
  const rows = await services.prisma.$queryRaw<{ id: string }[]>`
    SELECT x.id::text FROM fx_conversions x LEFT JOIN sagas s ON s.id = x.saga_id
     WHERE x.status = 'REQUESTED' AND x.created_at < now() - ${options.olderThanMs} * interval '1 millisecond'
       AND (s.id IS NULL OR s.status IN ('COMPLETED', 'COMPENSATED', 'FAILED'))
     LIMIT 100`;
  const settled = { booked: 0, failed: 0 };
  for (const { id } of rows) {
    const row = await services.prisma.fxConversion.findUniqueOrThrow({ where: { id } });
    const made = await services.fxDesk.lookup(row.clientKey);
    if (made) {
      await bookAnswer(services, planOf(row), row, made);
      settled.booked++;
    } else {
      await failConversion(services, planOf(row), row, "not made at the FX desk; its saga no longer waits for it");
      settled.failed++;
    }
  }
  return settled;
}
