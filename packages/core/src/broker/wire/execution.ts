// One execution as a partner reports it: the body of the execution webhook the broker POSTs to our receiver, and each
// entry of an order's lookup and of the daily report. The simulator sends exactly this type; the HTTP adapter and the
// receiver read it with these schemas, so the sender and the readers cannot disagree on a field.
import Decimal from "decimal.js";
import { z } from "zod";

/** Decimal values cross the wire as strings ("187.25"), never as JSON numbers. */
export const ZDecimalString = z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal string");

export const ZSide = z.enum(["BUY", "SELL"]);
export type Side = z.infer<typeof ZSide>;

/** The shape, as a lookup or the daily report carries it: read as it is, so reconciliation can see a bad one. */
export const ZBrokerExecution = z.object({
  /** Unique per broker (FIX ExecID). */
  execId: z.string().min(1),
  /** Our order id, as we sent it (FIX ClOrdID). */
  clientOrderId: z.string(),
  brokerOrderId: z.string(),
  symbol: z.string(),
  side: ZSide,
  quantity: ZDecimalString,
  price: ZDecimalString,
  /** ISO-8601 */
  executedAt: z.string(),
});
export type BrokerExecution = z.infer<typeof ZBrokerExecution>;

/** Anything Decimal cannot read is not greater than zero (the format check beside it refuses it too). */
function greaterThanZero(value: string): boolean {
  try {
    return new Decimal(value).greaterThan(0);
  } catch {
    return false;
  }
}

const ZPositiveDecimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "must be a positive decimal string")
  .refine(greaterThanZero, "must be greater than zero");

/**
 * The same body as an execution we store (the receiver, and reconciliation ingesting a missed one): for an order of
 * ours (a uuid), a real fill (quantity and price above zero) at a real time. Anything else is refused as malformed
 * before the database is asked.
 */
export const ZExecutionWebhook = ZBrokerExecution.extend({
  execId: z.string().min(1).max(128),
  clientOrderId: z.uuid(),
  brokerOrderId: z.string().min(1).max(128),
  symbol: z.string().min(1).max(12),
  quantity: ZPositiveDecimal,
  price: ZPositiveDecimal,
  executedAt: z.iso.datetime({ offset: true }),
});
export type ExecutionWebhook = z.infer<typeof ZExecutionWebhook>;
