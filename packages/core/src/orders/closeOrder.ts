// Moving an order to a terminal state settles its TCC transaction: whatever it still reserves (the rest of a buy's
// cash, a sell's unsold shares, unspent fee points) goes back, in the caller's transaction, with the status change.
import type { Order, OrderStatus, Tx } from "@meridian/db";
import { ZERO } from "../shared/money";
import { releaseTcc } from "../tcc/coordinator";
import { changeOrder, type OrderChange } from "./lifecycle";

export async function closeOrder(
  tx: Tx,
  order: Order,
  status: Extract<OrderStatus, "FILLED" | "CANCELLED" | "REJECTED" | "EXPIRED">,
  change: Omit<OrderChange, "status"> & { resolution?: { by: string; reason: string } },
): Promise<Order> {
  await releaseTcc(tx, order, status === "FILLED" ? "completed" : "cancelled", change.resolution);
  return changeOrder(tx, order, {
    ...change,
    status,
    data: { ...change.data, heldCash: ZERO, heldQuantity: ZERO, heldPoints: ZERO, nextAttemptAt: null },
    detail: {
      ...(change.detail as object | undefined),
      releasedCash: order.heldCash.toFixed(2),
      releasedQuantity: order.heldQuantity.toString(),
      releasedPoints: order.heldPoints.toString(),
    },
  });
}
