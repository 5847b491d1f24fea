// What crosses the wire between the FX desk and us, defined once: the simulator (apps/broker) validates requests and
// types its answers with these schemas, the HTTP adapter sends the requests and reads the answers with the same ones,
// so the two cannot drift apart. Amounts and rates are decimal strings, never JSON numbers.
import { z } from "zod";

export const ZCurrency = z.enum(["KRW", "USD"]);
export type Currency = z.infer<typeof ZCurrency>;

/** A rate: KRW per 1 USD with exactly two decimals, e.g. "1380.00". */
export const ZRateString = z.string().regex(/^\d{1,7}\.\d{2}$/, "must be a rate with two decimals, e.g. 1380.00");
/** An amount as text; what it may hold per currency is rounding.ts's to say (whole won, cents). */
export const ZAmountString = z.string().regex(/^\d{1,20}(\.\d{1,20})?$/, "must be a positive decimal, e.g. 1000.50");
const ZInstant = z.iso.datetime();

export const ZFxRate = z.object({
  pair: z.literal("USDKRW"),
  /** What the desk pays in won for a dollar we sell. */
  bid: ZRateString,
  /** What the desk charges in won for a dollar we buy. */
  ask: ZRateString,
  mid: ZRateString,
  at: ZInstant,
});
export type FxRate = z.infer<typeof ZFxRate>;

export const ZFxQuote = ZFxRate.extend({
  quoteId: z.string().min(1),
  /** A conversion on this quote after this instant is refused with QUOTE_EXPIRED. */
  expiresAt: ZInstant,
});
export type FxQuote = z.infer<typeof ZFxQuote>;

/**
 * A conversion order. `clientKey` is our idempotency key: the same key with the same terms answers the conversion the
 * desk already made and never converts twice; the same key with other terms is refused (KEY_CONFLICT). Exactly one of
 * `sellAmount` (spend this much) and `buyAmount` (receive this much) is given; the desk computes the other side with
 * the shared rounding (rounding.ts).
 */
export const ZFxConversionRequest = z
  .object({
    clientKey: z.string().min(1).max(128),
    quoteId: z.string().min(1).max(128).optional(),
    sell: ZCurrency,
    buy: ZCurrency,
    sellAmount: ZAmountString.optional(),
    buyAmount: ZAmountString.optional(),
  })
  .strict()
  .refine((request) => request.sell !== request.buy, { message: "sell and buy must be different currencies" })
  .refine((request) => (request.sellAmount === undefined) !== (request.buyAmount === undefined), {
    message: "give exactly one of sellAmount and buyAmount",
  });
export type FxConversionRequest = z.infer<typeof ZFxConversionRequest>;

export const ZFxConversion = z.object({
  conversionId: z.string().min(1),
  clientKey: z.string().min(1),
  quoteId: z.string().nullable(),
  sell: ZCurrency,
  sellAmount: ZAmountString,
  buy: ZCurrency,
  buyAmount: ZAmountString,
  /** The side of the rate the conversion used: the ask when we bought dollars, the bid when we sold them. */
  rate: ZRateString,
  executedAt: ZInstant,
  /** On a reversal: the client key of the conversion it undoes. */
  reversesKey: z.string().nullable(),
  /** On a reversed conversion: the reversal's key (its clientKey). A conversion is reversed at most once. */
  reversedByKey: z.string().nullable(),
});
export type FxConversion = z.infer<typeof ZFxConversion>;

export const ZFxReverseRequest = z.object({ reversalKey: z.string().min(1).max(128) }).strict();
export type FxReverseRequest = z.infer<typeof ZFxReverseRequest>;

/** The desk's definite refusals; anything else it answers (5xx, no answer) is an outcome we do not know. */
export const ZFxRefusalCode = z.enum([
  "QUOTE_EXPIRED",
  "QUOTE_UNKNOWN",
  "KEY_CONFLICT",
  "INVALID",
  "NOT_FOUND",
  "NOT_REVERSIBLE",
]);
export type FxRefusalCode = z.infer<typeof ZFxRefusalCode>;

/** A refusal as the desk answers it: `{ "error": "QUOTE_EXPIRED", "message": "…" }` with a 4xx status. */
export const ZFxErrorBody = z.object({ error: ZFxRefusalCode, message: z.string() });
export type FxErrorBody = z.infer<typeof ZFxErrorBody>;

/** What GET /fxdesk/stats answers, for tests and the curious operator. */
export const ZFxDeskStats = z.object({
  conversions: z.number().int(),
  reversals: z.number().int(),
  /** Repeats of a known clientKey or reversalKey answered with the conversion already made. */
  duplicateRequests: z.number().int(),
  quotesIssued: z.number().int(),
  /** Sums over every conversion and reversal, per currency, as decimal strings. */
  sold: z.object({ KRW: ZAmountString, USD: ZAmountString }),
  bought: z.object({ KRW: ZAmountString, USD: ZAmountString }),
});
export type FxDeskStats = z.infer<typeof ZFxDeskStats>;
