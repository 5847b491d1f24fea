// What an operator's decision would do to one row now, or why it is refused: the single-row handler asks this before it
// acts (and throws the refusal), and the bulk preview asks the same question without acting, so a preview never
// promises what the handler would refuse.
import type { Order } from "@meridian/db";
import type { DomainError } from "../shared/errors";

export type Plan<Extra extends object = object> =
  ({ applicable: true; willDo: string } & Extra) | { applicable: false; willDo: string; refusal: DomainError };

export type Refused = Extract<Plan, { applicable: false }>;

/** A refusal: `why` completes "Not applicable: …" in the preview; `refusal` is what the handler throws. */
export function refuse(why: string, refusal: DomainError): Refused {
  return { applicable: false, willDo: `Not applicable: ${why}`, refusal };
}

/** "$1,234.50" */
export function usd(amount: { toFixed(places: number): string }): string {
  const [whole, cents] = amount.toFixed(2).split(".");
  return `$${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

/** What an order still holds, for a sentence: "$1,234.00", "5 AAPL", "$100.00 and 12 fee points", or null. */
export function heldByOrder(order: Pick<Order, "symbol" | "heldCash" | "heldQuantity" | "heldPoints">): string | null {
  const parts = [
    order.heldCash.isZero() ? null : usd(order.heldCash),
    order.heldQuantity.isZero() ? null : `${order.heldQuantity.toDecimalPlaces(6).toString()} ${order.symbol}`,
    order.heldPoints.isZero() ? null : `${order.heldPoints.toString()} fee points`,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? null : parts.join(" and ");
}
