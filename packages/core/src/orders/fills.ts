// What an execution means for its order. The settlement (settlement/applyExecution.ts) moves the cash, shares and
// points; this decides the order's side of it: the filled quantity, the status, and whether the order is now done.
// A fill for an order we had already closed is still a trade the broker made: it is booked as a late fill, flagged on
// the timeline for operators, and an order the broker filled completely says FILLED.
import type { Order, Prisma, Tx } from "@meridian/db";
import type { Decimal } from "../shared/money";
import { closeOrder } from "./closeOrder";
import { changeOrder } from "./lifecycle";
import { isTerminal } from "./status";

/** How the ledger must treat an execution for `order`, before anything is settled. */
export type FillDisposition = "fill" | "late-fill" | "overfill";

export function fillDisposition(
  order: Pick<Order, "status" | "quantity" | "filledQuantity">,
  quantity: Decimal,
): FillDisposition {
  // More than the order's quantity is never ours to book: the broker erred, and operators settle it.
  if (quantity.greaterThan(order.quantity.minus(order.filledQuantity))) return "overfill";
  return isTerminal(order.status) ? "late-fill" : "fill";
}

export interface BookedFill {
  receiptId: string;
  execId: string;
  quantity: Decimal;
  price: Decimal;
  notional: Decimal;
  /** The order columns the settlement changed: what it still holds, the fees and points it paid. */
  settled: Pick<
    Prisma.OrderUpdateManyMutationInput,
    "heldCash" | "heldQuantity" | "heldPoints" | "feesPaid" | "pointsUsed"
  >;
  detail: Record<string, Prisma.InputJsonValue>;
}

const ACTOR = "ledger";

export async function recordFill(tx: Tx, order: Order, fill: BookedFill): Promise<Order> {
  const filledQuantity = order.filledQuantity.plus(fill.quantity);
  const complete = filledQuantity.equals(order.quantity);
  const late = isTerminal(order.status);
  const cause = `${fill.quantity.toString()} @ ${fill.price.toFixed(2)} (exec ${fill.execId})`;
  const filled = await changeOrder(tx, order, {
    kind: late ? "LATE_FILL" : "FILL",
    actor: ACTOR,
    cause: late
      ? `${cause} arrived after the order was ${order.status}: booked as a late fill; an operator should review it`
      : cause,
    status: late ? (complete ? "FILLED" : undefined) : nextOpenStatus(order, complete),
    data: { ...fill.settled, filledQuantity, filledNotional: order.filledNotional.plus(fill.notional) },
    detail: {
      ...fill.detail,
      receiptId: fill.receiptId,
      execId: fill.execId,
      quantity: fill.quantity.toString(),
      price: fill.price.toFixed(2),
      ...(late ? { closedAs: order.status } : {}),
    },
  });
  return late ? filled : closeIfComplete(tx, filled);
}

/** A fill that completes the order leaves the status to closeIfComplete; a pending cancel stays pending. */
function nextOpenStatus(order: Order, complete: boolean) {
  if (order.status === "PENDING_CANCEL" || complete) return undefined;
  return "PARTIALLY_FILLED" as const;
}

/**
 * Fully filled; or closing (the broker cancelled it, reporting its final filled quantity) and now holding every fill
 * the broker reported: terminal, holds released.
 */
export async function closeIfComplete(tx: Tx, order: Order): Promise<Order> {
  if (order.filledQuantity.equals(order.quantity)) {
    return closeOrder(tx, order, "FILLED", {
      kind: "FILLED",
      actor: ACTOR,
      cause: `filled ${order.quantity.toString()} ${order.symbol}`,
    });
  }
  if (
    order.status === "PENDING_CANCEL" &&
    order.finalFilledQuantity &&
    order.filledQuantity.greaterThanOrEqualTo(order.finalFilledQuantity)
  ) {
    return closeOrder(tx, order, "CANCELLED", {
      kind: "CANCELLED",
      actor: ACTOR,
      cause: `cancelled with ${order.filledQuantity.toString()} filled`,
    });
  }
  return order;
}
