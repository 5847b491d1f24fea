// Inputs of the console's order procedures (admin.orders.*).
import { z } from "zod";
import { OrderStatus } from "@meridian/db";

export const ZAdminOrderFilter = z.object({
  status: z.enum(OrderStatus).optional(),
  symbol: z.string().trim().max(12).optional(),
  accountNo: z.string().trim().max(32).optional(),
  brokerId: z.string().trim().max(32).optional(),
  limit: z.number().int().min(1).max(2000).optional(),
});
export type TAdminOrderFilter = z.infer<typeof ZAdminOrderFilter>;

export const ZOrderDetailInput = z.object({ orderId: z.uuid("That is not a valid order id.") });
export type TOrderDetailInput = z.infer<typeof ZOrderDetailInput>;
