import { z } from "zod";

const MAX_QUANTITY = 1_000_000;
const MAX_PRICE = 1_000_000;

/** Whole shares only, as a string or a number; "3" and 3 are the same order. */
const ZQuantity = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .pipe(
    z
      .string()
      .regex(/^\d+(\.0+)?$/, "Quantity must be a whole number of shares (no fractions, no minus sign).")
      .transform((value) => value.replace(/\.0+$/, ""))
      .refine((value) => Number(value) >= 1, "Quantity must be at least 1 share.")
      .refine(
        (value) => Number(value) <= MAX_QUANTITY,
        `Quantity cannot exceed ${MAX_QUANTITY.toLocaleString("en-US")} shares.`,
      ),
  );

/** US equities above $1 trade in whole cents (Reg NMS tick size). */
const ZLimitPrice = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .pipe(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, "Limit price must be a positive number like 187.25.")
      .refine((value) => !/\.\d{3,}$/.test(value), "Limit price can have at most 2 decimals (whole cents).")
      .refine((value) => Number(value) >= 1, "Limit price must be at least $1.00.")
      .refine((value) => Number(value) <= MAX_PRICE, "Limit price is out of range."),
  );

export const ZPlaceOrderInput = z
  .object({
    symbol: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z.]{1,10}$/, "Enter a ticker symbol like AAPL."),
    side: z.enum(["BUY", "SELL"]),
    type: z.enum(["MARKET", "LIMIT"]),
    quantity: ZQuantity,
    limitPrice: ZLimitPrice.optional().nullable(),
    /** Pay the commission with fee points (1 point = 1 cent) instead of cash. */
    payFeeWithPoints: z.boolean().optional(),
    /** Same key, same order: a retried or double-clicked submission never places a second order. */
    idempotencyKey: z.uuid("idempotencyKey must be a UUID").optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === "LIMIT" && !input.limitPrice)
      ctx.addIssue({ code: "custom", path: ["limitPrice"], message: "A limit order needs a limit price." });
    if (input.type === "MARKET" && input.limitPrice)
      ctx.addIssue({
        code: "custom",
        path: ["limitPrice"],
        message: "A market order takes no limit price; choose Limit to set one.",
      });
  });

export type TPlaceOrderInput = z.infer<typeof ZPlaceOrderInput>;
