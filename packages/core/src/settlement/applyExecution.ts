// The ledger consumer: applies one stored execution to its order, cash and holdings, exactly once (the inbox row is
// written in the same transaction as the effect). The money moves here; what the fill means for the order (its
// status, a late fill on an order we had closed) is decided by orders/fills.ts. An execution that would overfill the
// order changes nothing and is recorded on the timeline for operators.
import type { Order, Tx } from "@meridian/db";
import { settleBuy, settleSell, spendHeldPoints, type Settlement } from "../ledger/balances";
import type { FillDebit } from "../ledger/debits";
import { inAccountTransaction } from "../lock/accountTransaction";
import { claimInbox } from "../messaging/inbox";
import { fillDisposition, recordFill } from "../orders/fills";
import { recordOrderEvent } from "../orders/lifecycle";
import type { CoreServices } from "../services";
import { commissionOn } from "../shared/fees";
import { minDec, money, qty, ZERO, type Decimal } from "../shared/money";
import { confirmTcc } from "../tcc/coordinator";

const CONSUMER = "ledger";

export type ApplyOutcome = "applied" | "late-fill" | "duplicate" | "refused";

export async function applyExecution(services: CoreServices, receiptId: string): Promise<ApplyOutcome> {
  const receipt = await services.prisma.executionReceipt.findUniqueOrThrow({
    where: { id: receiptId },
    include: { order: { select: { accountId: true } } },
  });
  return inAccountTransaction(
    services,
    receipt.order.accountId,
    { actor: CONSUMER, cause: `execution ${receipt.execId}` },
    async (tx) => {
      if (!(await claimInbox(tx, CONSUMER, receiptId))) return "duplicate";
      const order = await tx.order.findUniqueOrThrow({ where: { id: receipt.orderId } });
      const disposition = fillDisposition(order, receipt.quantity);
      if (disposition === "overfill") {
        await recordOrderEvent(tx, order.id, {
          kind: "EXECUTION_REFUSED",
          actor: CONSUMER,
          cause: `execution ${receipt.execId} for ${receipt.quantity.toString()} would overfill the order (${order.quantity.minus(order.filledQuantity).toString()} left); ledger unchanged`,
          detail: {
            receiptId,
            execId: receipt.execId,
            quantity: receipt.quantity.toString(),
            price: receipt.price.toString(),
          },
        });
        return "refused";
      }
      // A fill proves the broker accepted the order, even if the gateway has not recorded the answer yet. A closed
      // order's reservation is settled already: its late fill is paid from what the account has now, and what the
      // account cannot cover becomes a visible debit (ledger/balances.ts), never a refusal or a negative balance.
      if (disposition === "fill") await confirmTcc(tx, order);
      await settle(
        tx,
        order,
        { receiptId, quantity: receipt.quantity, price: receipt.price, execId: receipt.execId },
        services.config.fees.commissionRate,
      );
      return disposition === "fill" ? "applied" : "late-fill";
    },
  );
}

async function settle(
  tx: Tx,
  order: Order,
  fill: { receiptId: string; execId: string; quantity: Decimal; price: Decimal },
  commissionRate: string,
): Promise<void> {
  const notional = fill.quantity.times(fill.price);
  const commission = commissionOn(notional, commissionRate);
  // Commission is paid with the order's held points first (1 point = 1 cent), the rest in cash.
  const pointsSpent = order.payFeeWithPoints ? minDec(order.heldPoints, commission.times(100)) : ZERO;
  const cashCommission = commission.minus(pointsSpent.dividedBy(100));
  const settlement = {
    accountId: order.accountId,
    orderId: order.id,
    executionId: fill.receiptId,
    symbol: order.symbol,
    quantity: fill.quantity,
    notional,
    commission: cashCommission,
  };
  await spendHeldPoints(tx, settlement, pointsSpent);
  const { heldCash, heldQuantity, debit } = await settleTrade(tx, order, settlement);
  await recordFill(tx, order, {
    ...fill,
    notional,
    settled: {
      feesPaid: order.feesPaid.plus(commission),
      pointsUsed: order.pointsUsed.plus(pointsSpent),
      heldPoints: order.heldPoints.minus(pointsSpent),
      heldCash,
      heldQuantity,
    },
    detail: { commission: commission.toFixed(2), pointsSpent: pointsSpent.toString(), ...debitDetail(debit) },
  });
  await recordDebit(tx, order, fill.execId, debit);
}

/** The cash and shares of a fill, from the order's holds first; what the account cannot cover becomes its debit. */
async function settleTrade(tx: Tx, order: Order, settlement: Settlement) {
  if (order.side === "BUY") {
    const fromHold = minDec(order.heldCash, settlement.notional.plus(settlement.commission));
    const debit = await settleBuy(tx, { ...settlement, fromHold });
    return { heldCash: order.heldCash.minus(fromHold), heldQuantity: order.heldQuantity, debit };
  }
  // A late sell's order holds no shares any more: they come from the account's free shares.
  const fromHold = minDec(order.heldQuantity, settlement.quantity);
  const debit = await settleSell(tx, { ...settlement, fromHold });
  return { heldCash: order.heldCash, heldQuantity: order.heldQuantity.minus(fromHold), debit };
}

function debitDetail(debit: FillDebit): Record<string, string> {
  return {
    ...(debit.cash.greaterThan(0) ? { debitCash: money(debit.cash) } : {}),
    ...(debit.shares.greaterThan(0) ? { debitShares: qty(debit.shares) } : {}),
  };
}

/** A fill the account could not cover: the timeline says what the account owes now, so operators can follow it up. */
async function recordDebit(tx: Tx, order: Order, execId: string, debit: FillDebit): Promise<void> {
  const owed = [
    debit.cash.greaterThan(0) ? `$${money(debit.cash)}` : null,
    debit.shares.greaterThan(0) ? `${qty(debit.shares)} ${order.symbol}` : null,
  ].filter(Boolean);
  if (owed.length === 0) return;
  await recordOrderEvent(tx, order.id, {
    kind: "ACCOUNT_DEBIT",
    actor: CONSUMER,
    cause: `execution ${execId} cost more than the order held and the account had free: the account now owes ${owed.join(" and ")} (shown to the customer with what to do)`,
    detail: { execId, ...debitDetail(debit) },
  });
}
