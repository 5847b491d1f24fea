import { z } from "zod";
import { amountProblem } from "../fxdesk/rounding";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";

const ZSell = z.enum(["KRW", "USD"]);

/** An amount of the sold currency: whole won, or dollars with at most two decimals. */
const exchangeAmount = <T extends { sell: "KRW" | "USD"; amount: string }>(input: T, ctx: z.RefinementCtx) => {
  const problem = amountProblem(input.sell, input.amount);
  if (problem)
    ctx.addIssue({ code: "custom", path: ["amount"], message: `${problem[0]!.toUpperCase()}${problem.slice(1)}.` });
};

const ZAmountText = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim().replace(/,/g, ""))
  .pipe(z.string().regex(/^\d+(\.\d+)?$/, "Enter an amount like 1000000 (won) or 250.00 (dollars)."));

export const ZExchangePreviewInput = z.object({ sell: ZSell, amount: ZAmountText }).superRefine(exchangeAmount);
export type TExchangePreviewInput = z.infer<typeof ZExchangePreviewInput>;

export const ZExchangeInput = z
  .object({
    sell: ZSell,
    amount: ZAmountText,
    quoteId: z.string().trim().min(1, "Get a rate first.").max(100),
    /** The saga's id: the same key again returns the same exchange. */
    idempotencyKey: z.uuid("idempotencyKey must be a UUID"),
  })
  .superRefine(exchangeAmount);
export type TExchangeInput = z.infer<typeof ZExchangeInput>;

/** A buy paid in won: the ordinary ticket (buys only). */
const ZWonBuy = ZPlaceOrderInput.refine((order) => order.side === "BUY", {
  path: ["side"],
  message: "Only a buy can be paid in won; a sale pays out dollars.",
});

export const ZBuyWithWonPreviewInput = ZWonBuy;
export type TBuyWithWonPreviewInput = z.infer<typeof ZBuyWithWonPreviewInput>;

export const ZBuyWithWonInput = z.object({
  order: ZWonBuy,
  quoteId: z.string().trim().min(1, "Get a rate first.").max(100),
  /** The won amount the customer saw and confirmed; the saga never takes more. */
  maxWon: z.string().regex(/^\d{1,13}$/, "maxWon must be whole won."),
  idempotencyKey: z.uuid("idempotencyKey must be a UUID"),
});
export type TBuyWithWonInput = z.infer<typeof ZBuyWithWonInput>;
