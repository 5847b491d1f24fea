// The partner wire API for orders (apps/broker/README.md): the new-order request, the submit and cancel answers, an
// order as a lookup or the daily report shows it, quotes, and the error body. The simulator validates requests and
// types its answers with these; the HTTP adapter sends the request and reads the answers with the same schemas.
import { z } from "zod";
import { ZBrokerExecution, ZDecimalString, ZSide } from "./execution";

export const ZOrderKind = z.enum(["MARKET", "LIMIT"]);
export type OrderKind = z.infer<typeof ZOrderKind>;

export const ZBrokerOrderStatus = z.enum(["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELLED", "REJECTED", "EXPIRED"]);
export type BrokerOrderStatus = z.infer<typeof ZBrokerOrderStatus>;

/**
 * A new order. Malformed (400) only when a field is missing or of the wrong type; a quantity or limit price that is a
 * string but no valid number is the partner's business reject, answered as REJECTED, so those are not checked here.
 */
export const ZBrokerOrderRequest = z.object({
  /** Our order id: the broker's idempotency key (FIX ClOrdID). The same id never makes a second broker order. */
  clientOrderId: z.string().min(1).max(128),
  accountRef: z.string().min(1).max(128),
  symbol: z.string().min(1).max(16),
  side: ZSide,
  type: ZOrderKind,
  // Strings, not numbers: a decimal as a JSON number is malformed; a string that is not a whole number is a reject.
  quantity: z.string().max(32),
  // A partner reads null as "no limit price" too.
  limitPrice: z
    .string()
    .max(32)
    .nullish()
    .transform((limitPrice) => limitPrice ?? undefined)
    .optional(),
});
export type BrokerOrderRequest = z.output<typeof ZBrokerOrderRequest>;

export const ZSubmitResult = z.discriminatedUnion("outcome", [
  /**
   * The broker has the order. A repeated submit (same clientOrderId) may say where the order stands by now: a broker
   * that already closed it answers CANCELLED or EXPIRED here, which is not an acceptance.
   */
  z.object({
    outcome: z.literal("ACCEPTED"),
    brokerOrderId: z.string().min(1),
    status: ZBrokerOrderStatus.optional(),
    filledQuantity: ZDecimalString.optional(),
  }),
  z.object({ outcome: z.literal("REJECTED"), reason: z.string() }),
]);
export type SubmitResult = z.infer<typeof ZSubmitResult>;

export const ZCancelResult = z.discriminatedUnion("outcome", [
  /** The broker closed the order; `filledQuantity` is final: fills still in flight add up to it. */
  z.object({ outcome: z.literal("CANCELLED"), brokerOrderId: z.string().min(1), filledQuantity: ZDecimalString }),
  /**
   * Already filled, rejected or closed at the broker: nothing left to cancel. `status` says which, where the broker
   * tells.
   */
  z.object({
    outcome: z.literal("TOO_LATE"),
    reason: z.string(),
    filledQuantity: ZDecimalString,
    status: ZBrokerOrderStatus.optional(),
  }),
  z.object({ outcome: z.literal("NOT_FOUND") }),
]);
export type CancelResult = z.infer<typeof ZCancelResult>;

/** One order at the broker: the answer to a lookup by clientOrderId, and one entry of the daily report. */
export const ZBrokerOrderView = z.object({
  clientOrderId: z.string(),
  brokerOrderId: z.string(),
  symbol: z.string(),
  side: ZSide,
  type: ZOrderKind,
  quantity: ZDecimalString,
  limitPrice: ZDecimalString.nullable(),
  status: ZBrokerOrderStatus,
  filledQuantity: ZDecimalString,
  executions: z.array(ZBrokerExecution),
  createdAt: z.string(),
});
export type BrokerOrderView = z.infer<typeof ZBrokerOrderView>;

export const ZQuote = z.object({
  symbol: z.string(),
  name: z.string(),
  bid: ZDecimalString,
  ask: ZDecimalString,
  last: ZDecimalString,
  /** Previous close, for the day's change. */
  previousClose: ZDecimalString,
  timestamp: z.string(),
});
export type Quote = z.infer<typeof ZQuote>;

/** Every refusal the partner answers (4xx, 5xx) carries this body. */
export const ZBrokerErrorBody = z.object({ error: z.string(), code: z.string().optional() });
export type BrokerErrorBody = z.infer<typeof ZBrokerErrorBody>;

/** The error code of a lookup for an order the broker does not have: the one 404 that means "no such order". */
export const ORDER_NOT_FOUND = "ORDER_NOT_FOUND";
