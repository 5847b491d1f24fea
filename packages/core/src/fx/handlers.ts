// The customer's won: a rate to show, a preview with a quote the desk holds for them, and the saga that does it — an
// exchange, or a buy paid in won. Starting a saga returns at once (the request's idempotency key, per account, makes a repeat return it); the
// customer follows it on the push feed, or polls `fx.saga`.
import { BrokerUnavailableError } from "../fxdesk/port";
import { FxAmountError, convertAmounts } from "../fxdesk/rounding";
import { notEnoughCash } from "../ledger/balances";
import { cashToHoldFor } from "../orders/placeOrder";
import { findSaga, listSagas } from "../saga/queries";
import { startSaga } from "../saga/store";
import type { AccountRef, CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import { dec, ZERO, type Decimal } from "../shared/money";
import { BUY_WITH_WON_SAGA, type BuyWithWonInput } from "./buyWithWon";
import { EXCHANGE_SAGA, type ExchangeInput } from "./exchange";
import type { TBuyWithWonInput, TBuyWithWonPreviewInput, TExchangeInput, TExchangePreviewInput } from "./fx.schema";
import { withPhase } from "./phases";
import { MARKET_WON_TOLERANCE, WON_PAYMENT_POLICY } from "./policy";

interface CustomerCtx {
  services: CoreServices;
  account: AccountRef;
}

/** The desk's answer, or a clear "try again" when it cannot be reached: rates come from nowhere else. */
async function fromDesk<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof BrokerUnavailableError)
      throw new DomainError(
        "SERVICE_UNAVAILABLE",
        "The FX desk is not answering right now, so no rate can be given. Try again in a minute; nothing was exchanged.",
      );
    throw error;
  }
}

export async function currentRate({ ctx }: { ctx: CustomerCtx }) {
  const rate = await fromDesk(() => ctx.services.fxDesk.rate());
  return { ...rate, policy: WON_PAYMENT_POLICY };
}

export async function previewExchange({ ctx, input }: { ctx: CustomerCtx; input: TExchangePreviewInput }) {
  const quote = await fromDesk(() => ctx.services.fxDesk.quote());
  const buy = input.sell === "KRW" ? "USD" : "KRW";
  const amounts = convertOrExplain(() =>
    convertAmounts({ sell: input.sell, buy, sellAmount: input.amount, rate: quote }),
  );
  return {
    quote,
    sell: input.sell,
    sellAmount: amounts.sellAmount.toString(),
    buy,
    buyAmount: amounts.buyAmount.toString(),
    rate: amounts.rate.toFixed(2),
  };
}

export async function startExchange({ ctx, input }: { ctx: CustomerCtx; input: TExchangeInput }) {
  await assertAvailable(ctx, input.sell, dec(input.amount));
  const sagaInput: ExchangeInput = { quoteId: input.quoteId, sell: input.sell, amount: input.amount };
  const saga = await startSaga(ctx.services.prisma, {
    idempotencyKey: input.idempotencyKey,
    type: EXCHANGE_SAGA,
    accountId: ctx.account.id,
    input: { ...sagaInput },
  });
  return findCustomerSaga({ ctx, input: { sagaId: saga.id } });
}

export async function previewBuyWithWon({ ctx, input }: { ctx: CustomerCtx; input: TBuyWithWonPreviewInput }) {
  const dollarsNeeded = await cashToHoldFor(ctx.services, input);
  const quote = await fromDesk(() => ctx.services.fxDesk.quote());
  const amounts = convertOrExplain(() =>
    convertAmounts({ sell: "KRW", buy: "USD", buyAmount: dollarsNeeded, rate: quote }),
  );
  // A limit buy is priced at its limit and needs exactly this; a market buy's price can move before it is placed.
  const maxWon =
    input.type === "MARKET" ? amounts.sellAmount.times(dec(1).plus(MARKET_WON_TOLERANCE)).ceil() : amounts.sellAmount;
  return {
    quote,
    dollarsNeeded: dollarsNeeded.toFixed(2),
    wonNeeded: amounts.sellAmount.toFixed(0),
    /** What to confirm as `maxWon`: the most the saga may take. */
    maxWon: maxWon.toFixed(0),
    rate: amounts.rate.toFixed(2),
    policy: WON_PAYMENT_POLICY,
  };
}

export async function startBuyWithWon({ ctx, input }: { ctx: CustomerCtx; input: TBuyWithWonInput }) {
  // The order's own key is the saga's (derived from it per step), not one the browser sends.
  const order = { ...input.order };
  delete order.idempotencyKey;
  const sagaInput: BuyWithWonInput = { order, quoteId: input.quoteId, maxWon: input.maxWon };
  const saga = await startSaga(ctx.services.prisma, {
    idempotencyKey: input.idempotencyKey,
    type: BUY_WITH_WON_SAGA,
    accountId: ctx.account.id,
    input: JSON.parse(JSON.stringify(sagaInput)),
  });
  return findCustomerSaga({ ctx, input: { sagaId: saga.id } });
}

/** The status polling API of the asynchronous flow (seed 004): one of the customer's own sagas, with its phase. */
export async function findCustomerSaga({ ctx, input }: { ctx: CustomerCtx; input: { sagaId: string } }) {
  return withPhase(await findSaga(ctx.services.prisma, input.sagaId, ctx.account.id));
}

export async function listCustomerSagas({ ctx }: { ctx: CustomerCtx }) {
  const sagas = await listSagas(ctx.services.prisma, { accountId: ctx.account.id, limit: 50 });
  return sagas.map(withPhase);
}

function convertOrExplain<T>(convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof FxAmountError)
      throw new DomainError("BAD_REQUEST", `That amount cannot be exchanged: ${error.message}.`, "amount");
    throw error;
  }
}

/**
 * Refuses at once what the saga would refuse later for want of funds (the saga's own hold still decides: money can be
 * spent by another channel in between).
 */
async function assertAvailable(ctx: CustomerCtx, currency: "KRW" | "USD", amount: Decimal): Promise<void> {
  const balance = await ctx.services.prisma.cashBalance.findUnique({
    where: { accountId_currency: { accountId: ctx.account.id, currency } },
  });
  const available = balance?.available ?? ZERO;
  if (available.lessThan(amount)) throw notEnoughCash(currency, amount, available);
}
