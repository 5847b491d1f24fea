// The customer's own exchange, won → dollars or dollars → won, as a saga: the rate they confirmed, then the
// conversion. Nothing to compensate: a conversion the desk refused was never made (its hold is released), and one it
// made is what the customer asked for.
import type { Currency } from "../fxdesk/port";
import { amountText, dec } from "../shared/money";
import type { SagaDefinition } from "../saga/definition";
import { convertOnce, type ConversionDone } from "./conversions";
import { lockQuote } from "./quoteStep";

export const EXCHANGE_SAGA = "EXCHANGE";

export interface ExchangeInput {
  quoteId: string;
  sell: Currency;
  /** In the sold currency: whole won, or dollars and cents. */
  amount: string;
}

export interface ExchangeState {
  quote: { quoteId: string; bid: string; ask: string; expiresAt: string };
  converted: ConversionDone;
}

export const exchangeSaga: SagaDefinition<ExchangeInput, ExchangeState> = {
  type: EXCHANGE_SAGA,
  steps: [
    {
      name: "LOCK_QUOTE",
      phase: "checking the rate",
      whenUnanswered: "compensate",
      run: async ({ services, input }) => ({ done: { quote: await lockQuote(services, input.quoteId) } }),
    },
    {
      name: "CONVERT",
      phase: "converting",
      run: async ({ services, input, state, sagaId, accountId, key }) => ({
        done: {
          converted: await convertOnce(services, {
            accountId,
            sagaId,
            clientKey: key("CONVERT"),
            purpose: "EXCHANGE",
            sell: input.sell,
            buy: input.sell === "KRW" ? "USD" : "KRW",
            sellAmount: dec(input.amount),
            quoteId: state.quote!.quoteId,
          }),
        },
      }),
    },
  ],
  outcome: ({ status, failure, state }) => {
    if (status !== "COMPLETED" || !state.converted) return failure ?? "Nothing was exchanged.";
    const { sell, sellAmount, buy, buyAmount, rate } = state.converted;
    return `Exchanged ${amountText(sell, sellAmount)} for ${amountText(buy, buyAmount)} at ₩${dec(rate).toFixed(2)} per dollar.`;
  },
};
