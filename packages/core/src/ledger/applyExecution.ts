// The ledger consumer: applies one stored execution to its order, cash and holdings, exactly once (the inbox row is
// written in the same transaction as the effect). A fill that would overfill the order changes nothing and is
// recorded on the timeline for operators.
import type { Order, Tx } from "@meridian/db";
import { claimInbox } from "../messaging/inbox";
import { closeOrder } from "../orders/closeOrder";
import { isTerminal } from "../orders/status";
import { changeOrder, recordOrderEvent } from "../orders/transition";
import type { CoreServices } from "../services";
import { inAccountTransaction } from "../shared/accountTx";
import { commissionOn } from "../shared/fees";
import { minDec, ZERO, type Decimal } from "../shared/money";
import { confirmTcc } from "../tcc/coordinator";
import { settleBuy, settleSell, spendHeldPoints } from "./balances";

const CONSUMER = "ledger";

export type ApplyOutcome = "applied" | "duplicate" | "refused";

export async function applyExecution(services: CoreServices, receiptId: string): Promise<ApplyOutcome> {
  const receipt = await services.prisma.executionReceipt.findUniqueOrThrow({ where: { id: receiptId }, include: { order: { select: { accountId: true } } } });
  return inAccountTransaction(services, receipt.order.accountId, { actor: CONSUMER, cause: `execution ${receipt.execId}` }, async (tx) => {
    if (!(await claimInbox(tx, CONSUMER, receiptId))) return "duplicate";
    const order = await tx.order.findUniqueOrThrow({ where: { id: receipt.orderId } });
    const leaves = order.quantity.minus(order.filledQuantity);
    if (isTerminal(order.status)) {
      await recordOrderEvent(tx, order.id, {
        kind: "EXECUTION_REFUSED",
        actor: CONSUMER,
        cause: `execution ${receipt.execId} arrived after the order was ${order.status}; ledger unchanged, reconciliation must settle it`,
        detail: { receiptId, execId: receipt.execId, quantity: receipt.quantity.toString(), price: receipt.price.toString() },
      });
      return "refused";
    }
    if (receipt.quantity.greaterThan(leaves)) {
      await recordOrderEvent(tx, order.id, {
        kind: "EXECUTION_REFUSED",
        actor: CONSUMER,
        cause: `execution ${receipt.execId} for ${receipt.quantity.toString()} would overfill the order (${leaves.toString()} left); ledger unchanged`,
        detail: { receiptId, execId: receipt.execId, quantity: receipt.quantity.toString(), price: receipt.price.toString() },
      });
      return "refused";
    }
    // A fill proves the broker accepted the order, even if the gateway has not recorded the answer yet.
    await confirmTcc(tx, order);
    await settle(tx, order, { receiptId, quantity: receipt.quantity, price: receipt.price, execId: receipt.execId });
    return "applied";
  });
}

async function settle(tx: Tx, order: Order, fill: { receiptId: string; execId: string; quantity: Decimal; price: Decimal }): Promise<void> {
  const notional = fill.quantity.times(fill.price);
  const commission = commissionOn(notional);
  // Commission is paid with the order's held points first (1 point = 1 cent), the rest in cash.
  const pointsSpent = order.payFeeWithPoints ? minDec(order.heldPoints, commission.times(100)) : ZERO;
  const cashCommission = commission.minus(pointsSpent.dividedBy(100));
  const settlement = { accountId: order.accountId, orderId: order.id, executionId: fill.receiptId, symbol: order.symbol, quantity: fill.quantity, notional, commission: cashCommission };
  await spendHeldPoints(tx, settlement, pointsSpent);
  let heldCash = order.heldCash;
  let heldQuantity = order.heldQuantity;
  if (order.side === "BUY") {
    const fromHold = minDec(heldCash, notional.plus(cashCommission));
    await settleBuy(tx, { ...settlement, fromHold });
    heldCash = heldCash.minus(fromHold);
  } else {
    await settleSell(tx, settlement);
    heldQuantity = heldQuantity.minus(fill.quantity);
  }
  const filledQuantity = order.filledQuantity.plus(fill.quantity);
  const filled = await changeOrder(tx, order, {
    kind: "FILL",
    actor: CONSUMER,
    cause: `${fill.quantity.toString()} @ ${fill.price.toFixed(2)} (exec ${fill.execId})`,
    status: nextStatus(order, filledQuantity),
    data: {
      filledQuantity,
      filledNotional: order.filledNotional.plus(notional),
      feesPaid: order.feesPaid.plus(commission),
      pointsUsed: order.pointsUsed.plus(pointsSpent),
      heldPoints: order.heldPoints.minus(pointsSpent),
      heldCash,
      heldQuantity,
    },
    detail: { receiptId: fill.receiptId, execId: fill.execId, quantity: fill.quantity.toString(), price: fill.price.toFixed(2), commission: commission.toFixed(2), pointsSpent: pointsSpent.toString() },
  });
  await closeIfComplete(tx, filled);
}

/** A fill that completes the order leaves the status to closeIfComplete; a pending cancel stays pending. */
function nextStatus(order: Order, filledQuantity: Decimal) {
  if (order.status === "PENDING_CANCEL" || filledQuantity.equals(order.quantity)) return undefined;
  return "PARTIALLY_FILLED" as const;
}

/** Fully filled, or cancelled at the broker and now holding every fill the broker reported: terminal, holds released. */
async function closeIfComplete(tx: Tx, order: Order): Promise<void> {
  if (order.filledQuantity.equals(order.quantity)) {
    await closeOrder(tx, order, "FILLED", { kind: "FILLED", actor: CONSUMER, cause: `filled ${order.quantity.toString()} ${order.symbol}` });
  } else if (order.status === "PENDING_CANCEL" && order.finalFilledQuantity && order.filledQuantity.greaterThanOrEqualTo(order.finalFilledQuantity)) {
    await closeOrder(tx, order, "CANCELLED", { kind: "CANCELLED", actor: CONSUMER, cause: `cancelled with ${order.filledQuantity.toString()} filled` });
  }
}
