// A buy paid in won, as an orchestrated saga (seed 004; Temporal's saga sample is the model): the steps read top to
// bottom; the one compensation is registered once the dollars were bought and runs when the order cannot use them all.
//
//   LOCK_QUOTE      the rate the customer confirmed, and the won it needs for the dollars the order will hold
//   CONVERT_TO_USD  won → dollars at the FX desk, once (key: saga + step)         ↺ RETURN_UNUSED_DOLLARS
//   PLACE_ORDER     the ordinary order (its own TCC holds the dollars), once (key: saga + step)
//   AWAIT_ORDER_END until the order is closed: FILLED completes the saga; any unfilled remainder fails it forward,
//                   and the compensation gives back the dollars the order did not spend (policy.ts)
import { Prisma } from "@meridian/db";
import { convertAmounts } from "../fxdesk/rounding";
import { cashToHoldFor, placeOrder } from "../orders/placeOrder";
import type { TPlaceOrderInput } from "../orders/placeOrder.schema";
import { isTerminal } from "../orders/status";
import { AccountBusyError, DomainError } from "../shared/errors";
import { amountText, dec, ZERO } from "../shared/money";
import { CompensationRefused, StepFailed, type SagaContext, type SagaDefinition } from "../saga/definition";
import { convertOnce, type ConversionDone } from "./conversions";
import { noteOnOrder } from "./orderNotes";
import { lockQuote } from "./quoteStep";

export const BUY_WITH_WON_SAGA = "BUY_WITH_WON";

/** How often a saga waiting for its order looks again. */
const ORDER_POLL_MS = 500;

export interface BuyWithWonInput {
  /** The buy, as the ticket sent it (its idempotency key is the saga's own). */
  order: Omit<TPlaceOrderInput, "idempotencyKey">;
  quoteId: string;
  /** The most won the customer confirmed for it. */
  maxWon: string;
}

export interface BuyWithWonState {
  quote: { quoteId: string; bid: string; ask: string; expiresAt: string };
  dollarsNeeded: string;
  wonToSell: string;
  funded: ConversionDone;
  orderId: string;
  orderEnd: { status: string; filledQuantity: string };
  returned: ConversionDone | null;
  returnNote: string;
}

type Ctx = SagaContext<BuyWithWonInput, BuyWithWonState>;

export const buyWithWonSaga: SagaDefinition<BuyWithWonInput, BuyWithWonState> = {
  type: BUY_WITH_WON_SAGA,
  steps: [
    { name: "LOCK_QUOTE", phase: "checking the rate", whenUnanswered: "compensate", run: planConversion },
    {
      name: "CONVERT_TO_USD",
      phase: "converting",
      run: async ({ services, state, sagaId, accountId, key }) => ({
        done: {
          funded: await convertOnce(services, {
            accountId,
            sagaId,
            clientKey: key("CONVERT_TO_USD"),
            purpose: "FUND_ORDER",
            sell: "KRW",
            buy: "USD",
            sellAmount: dec(state.wonToSell!),
            quoteId: state.quote!.quoteId,
          }),
        },
      }),
      compensation: { name: "RETURN_UNUSED_DOLLARS", phase: "refunding", run: returnUnusedDollars },
    },
    { name: "PLACE_ORDER", phase: "placing", run: placeTheOrder },
    { name: "AWAIT_ORDER_END", phase: "placed", run: awaitOrderEnd },
  ],
  outcome: ({ status, failure, state }) => {
    if (status === "COMPLETED" && state.funded && state.orderEnd)
      return `Bought ${state.orderEnd.filledQuantity} shares, paid ${amountText("KRW", state.funded.sellAmount)} at ₩${dec(state.funded.rate).toFixed(2)} per dollar.`;
    const returned = state.returned
      ? ` ${amountText("USD", state.returned.sellAmount)} went back to won as ${amountText("KRW", state.returned.buyAmount)}.`
      : state.returnNote
        ? ` ${state.returnNote}`
        : "";
    return `${failure ?? "The order did not go through."}${returned}`;
  },
};

async function planConversion({ services, input }: Ctx) {
  const quote = await lockQuote(services, input.quoteId);
  const dollarsNeeded = await cashToHoldFor(services, { ...input.order, side: "BUY" }).catch((error: unknown) => {
    if (error instanceof DomainError) throw new StepFailed(`${error.message} Nothing was exchanged.`);
    throw error;
  });
  const { sellAmount: wonToSell } = convertAmounts({ sell: "KRW", buy: "USD", buyAmount: dollarsNeeded, rate: quote });
  if (wonToSell.greaterThan(dec(input.maxWon)))
    throw new StepFailed(
      `The price moved: this order now needs ${amountText("KRW", wonToSell)}, more than the ${amountText("KRW", input.maxWon)} you confirmed. Nothing was exchanged; review the order and confirm again.`,
    );
  return {
    done: {
      quote: { quoteId: quote.quoteId, bid: quote.bid, ask: quote.ask, expiresAt: quote.expiresAt },
      dollarsNeeded: dollarsNeeded.toFixed(2),
      wonToSell: wonToSell.toFixed(0),
    },
  };
}

/** The ordinary placement, keyed by the saga: a retry after a crash finds the order it placed. */
async function placeTheOrder({ services, input, state, sagaId, accountId, key }: Ctx) {
  const account = await services.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
  try {
    const order = await placeOrder({
      ctx: { services, account: { id: account.id, accountNo: account.accountNo }, actor: `saga:${sagaId}` },
      input: { ...input.order, side: "BUY", idempotencyKey: key("PLACE_ORDER") },
    });
    const { funded } = state;
    await noteOnOrder(services, order.id, {
      kind: "PAID_IN_WON",
      sagaId,
      cause: `paid in won: ${amountText("KRW", funded!.sellAmount)} exchanged for ${amountText("USD", funded!.buyAmount)} at ₩${dec(funded!.rate).toFixed(2)}`,
    });
    return { done: { orderId: order.id }, orderId: order.id };
  } catch (error) {
    // A refusal (buying power, a paused symbol, no quote) is final; the account being busy is not.
    if (error instanceof DomainError && !(error instanceof AccountBusyError))
      throw new StepFailed(`The order was refused: ${error.message}`);
    throw error;
  }
}

async function awaitOrderEnd({ services, state }: Ctx) {
  const order = await services.prisma.order.findUniqueOrThrow({ where: { id: state.orderId! } });
  if (!isTerminal(order.status)) return { waitMs: ORDER_POLL_MS, note: `order ${order.status}` };
  const orderEnd = { status: order.status, filledQuantity: order.filledQuantity.toString() };
  if (order.status === "FILLED") return { done: { orderEnd } };
  throw new StepFailed(
    `Your order ended ${order.status.toLowerCase()} with ${orderEnd.filledQuantity} of ${order.quantity.toString()} shares bought.`,
  );
}

/**
 * The compensation: the dollars bought for the order that it did not spend go back to won. Nothing spent — the
 * conversion is reversed at its own rate (the customer loses nothing); some spent — the rest is converted at the
 * desk's rate now. Never more than is free in dollars (the order's hold has been released by now). A retry repeats
 * the first try's decision: the conversion row under this step's key says what it was.
 */
async function returnUnusedDollars({ services, state, sagaId, accountId, key }: Ctx) {
  const funded = state.funded!;
  const clientKey = key("RETURN_UNUSED_DOLLARS");
  const earlier = await services.prisma.fxConversion.findUnique({ where: { clientKey } });
  const plan = earlier
    ? { amount: earlier.sellAmount, reverse: earlier.purpose === "REVERSAL" }
    : await planReturn(services, accountId, funded, state.orderId);
  if (plan.amount.lessThanOrEqualTo(0))
    return { returned: null, returnNote: "The order spent all the dollars bought for it." };
  const returned = await convertOnce(services, {
    accountId,
    sagaId,
    clientKey,
    purpose: plan.reverse ? "REVERSAL" : "RETURN_UNUSED",
    sell: "USD",
    buy: "KRW",
    sellAmount: plan.amount,
    ...(plan.reverse ? { reverses: key("CONVERT_TO_USD") } : {}),
  }).catch((error: unknown) => {
    // The desk refused for good (StepFailed from convertOnce): only an operator can settle this one.
    if (error instanceof StepFailed) throw new CompensationRefused(error.message);
    throw error;
  });
  if (state.orderId)
    await noteOnOrder(services, state.orderId, {
      kind: "WON_REFUNDED",
      sagaId,
      cause: `${amountText("USD", returned.sellAmount)} not spent went back to won as ${amountText("KRW", returned.buyAmount)}${plan.reverse ? " (the exchange reversed at its own rate)" : ` at ₩${dec(returned.rate).toFixed(2)}`}`,
    });
  return { returned, returnNote: "" };
}

async function planReturn(
  services: Ctx["services"],
  accountId: string,
  funded: ConversionDone,
  orderId: string | undefined,
) {
  const bought = dec(funded.buyAmount);
  const spentEntries = orderId
    ? await services.prisma.ledgerEntry.aggregate({
        where: { orderId, asset: "USD", kind: { in: ["BUY", "COMMISSION"] } },
        _sum: { amount: true },
      })
    : null;
  const spent = (spentEntries?._sum.amount ?? ZERO).negated();
  const cash = await services.prisma.cashBalance.findUnique({
    where: { accountId_currency: { accountId, currency: "USD" } },
  });
  const unused = Prisma.Decimal.max(ZERO, bought.minus(spent));
  const amount = Prisma.Decimal.min(unused, cash?.available ?? ZERO).toDecimalPlaces(2, Prisma.Decimal.ROUND_DOWN);
  return { amount, reverse: spent.isZero() && amount.equals(bought) };
}
