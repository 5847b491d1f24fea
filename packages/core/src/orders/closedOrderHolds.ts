// The participants in our database clean up after themselves (seed 004: "participants that clean up by themselves"):
// an order that is closed must hold nothing, and its reservation must not be left open. closeOrder settles both in the
// transaction that closes the order, so this sweep finds nothing in normal operation. It is the net for what escaped
// that path — a hand-made fix in the database, a bug — and settles it the same way, on the order's timeline.
import type { Order, Tx } from "@meridian/db";
import { inAccountTransaction } from "../lock/accountTransaction";
import type { CoreServices } from "../services";
import { settleFeePoints } from "../tcc/feePoints";
import { participantsOf } from "../tcc/participants";
import { ZERO } from "../shared/money";
import { closeOrder } from "./closeOrder";
import { changeOrder } from "./lifecycle";
import { TERMINAL_STATUSES, isTerminal } from "./status";

const ACTOR = "recovery";
const TERMINAL: string[] = [...TERMINAL_STATUSES];

/** Closed orders that still hold cash, shares or points, or whose reservation (here or at the points service) is open. */
async function closedWithOpenHolds(services: CoreServices, limit: number) {
  return services.prisma.$queryRaw<{ id: string; account_id: string }[]>`
    SELECT o.id::text, o.account_id::text FROM orders o
     WHERE o.status::text = ANY(${TERMINAL})
       AND (o.held_cash <> 0 OR o.held_quantity <> 0 OR o.held_points <> 0
            OR EXISTS (SELECT 1 FROM tcc_transactions t WHERE t.order_id = o.id AND t.status = 'TRYING')
            OR EXISTS (SELECT 1 FROM tcc_transactions t JOIN tcc_branches b ON b.transaction_id = t.id
                        WHERE t.order_id = o.id AND b.state = 'TRIED'))
     LIMIT ${limit}`;
}

/** Settles every closed order found still holding something; returns how many it settled. */
export async function releaseHoldsOfClosedOrders(services: CoreServices, limit = 100): Promise<number> {
  let released = 0;
  for (const row of await closedWithOpenHolds(services, limit)) {
    const settled = await inAccountTransaction(
      services,
      row.account_id,
      { actor: ACTOR, cause: "release what a closed order still holds" },
      async (tx) => {
        const order = await tx.order.findUniqueOrThrow({ where: { id: row.id } });
        if (!isTerminal(order.status)) return false;
        await releaseClosedOrder(tx, order);
        return true;
      },
    );
    if (settled) released++;
  }
  return released;
}

async function releaseClosedOrder(tx: Tx, order: Order): Promise<void> {
  const change = {
    kind: "RESERVATION_RELEASED",
    actor: ACTOR,
    cause: `holds left by a ${order.status} order released by the sweep`,
  };
  const reservation = await tx.tccTransaction.findUnique({ where: { orderId: order.id } });
  if (reservation?.status !== "CANCELLED") {
    // The usual settlement: the barrier lets it release once (a TRIED or CONFIRMED fence).
    await closeOrder(tx, order, order.status as "CANCELLED", { ...change, resolution: { by: ACTOR, reason: "sweep" } });
    return;
  }
  // Cancelled already, yet the order still holds: the barrier would call a second Cancel a duplicate and give nothing
  // back, so what the order holds is given back directly.
  for (const participant of participantsOf(order)) await participant.releaseRemainder(tx, order);
  if (order.payFeeWithPoints) await settleFeePoints(tx, reservation.id, order);
  await changeOrder(tx, order, {
    ...change,
    data: { heldCash: ZERO, heldQuantity: ZERO, heldPoints: ZERO },
    detail: {
      releasedCash: order.heldCash.toFixed(2),
      releasedQuantity: order.heldQuantity.toString(),
      releasedPoints: order.heldPoints.toString(),
    },
  });
}
