// "Our status agrees with the broker's": one order, our row against the broker's record of it, with no I/O, so the
// model-based test, reconciliation and a production checker can share it. It judges an order at rest — no command,
// answer or execution still in flight — where the two sides must tell the same story: the same filled quantity, and
// a status that means the same thing. A caller that cannot know nothing is in flight should skip orders whose own
// status says they are waiting (see IN_FLIGHT), not call them broken.
import type { OrderStatus } from "@meridian/db";
import type { BrokerOrderStatus } from "../broker/port";
import { dec, type DecimalLike } from "../shared/money";

export interface OurOrderState {
  id: string;
  status: OrderStatus;
  filledQuantity: DecimalLike;
}

export interface BrokerOrderState {
  status: BrokerOrderStatus;
  filledQuantity: DecimalLike;
}

export interface StatusDisagreement {
  orderId: string;
  ours: string;
  broker: string;
  message: string;
}

/** Our statuses that say an answer is still owed: at rest, none of them may remain. */
export const IN_FLIGHT: ReadonlySet<OrderStatus> = new Set([
  "PENDING_NEW",
  "SUBMITTING",
  "UNKNOWN",
  "NEEDS_ATTENTION",
  "PENDING_CANCEL",
]);

/** What each broker status allows our order to say once everything has arrived. */
const AGREEING: Record<BrokerOrderStatus, readonly OrderStatus[]> = {
  NEW: ["ACCEPTED"],
  PARTIALLY_FILLED: ["PARTIALLY_FILLED"],
  FILLED: ["FILLED"],
  CANCELLED: ["CANCELLED", "EXPIRED"],
  EXPIRED: ["CANCELLED", "EXPIRED"],
  // The broker never traded it.
  REJECTED: ["REJECTED", "CANCELLED", "EXPIRED"],
};
/** No record at the broker: it never saw the order, so ours must be closed with nothing filled. */
const WITHOUT_RECORD: readonly OrderStatus[] = ["REJECTED", "CANCELLED", "EXPIRED"];

export function statusDisagreement(ours: OurOrderState, broker: BrokerOrderState | null): StatusDisagreement | null {
  const brokerSays = broker ? `${broker.status} with ${dec(broker.filledQuantity).toString()} filled` : "no such order";
  const oursSays = `${ours.status} with ${dec(ours.filledQuantity).toString()} filled`;
  const disagree = (why: string): StatusDisagreement => ({
    orderId: ours.id,
    ours: oursSays,
    broker: brokerSays,
    message: `order ${ours.id} is ${oursSays} here; the broker has ${brokerSays}: ${why}`,
  });
  const brokerFilled = dec(broker?.filledQuantity ?? 0);
  if (!dec(ours.filledQuantity).equals(brokerFilled)) return disagree("the filled quantities differ");
  if (IN_FLIGHT.has(ours.status)) return disagree("our order still waits for an answer");
  const allowed = broker ? AGREEING[broker.status] : WITHOUT_RECORD;
  if (!allowed.includes(ours.status)) return disagree(`the broker's status allows only ${allowed.join(" or ")}`);
  return null;
}
