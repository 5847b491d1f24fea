// The ledger consumer: applies stored executions to their orders, cash and holdings, exactly once (the inbox row is
// written in the same transaction as the effect), one account's waiting executions in one transaction. The money moves here; what the fill means for the order (its
// status, a late fill on an order we had closed) is decided by orders/fills.ts. An execution that would overfill the
// order changes nothing and is recorded on the timeline for operators.
import type { ExecutionReceipt, Order, OrderStatus, Tx } from "@meridian/db";
import { settleBuy, settleSell, type Settlement } from "../ledger/balances";
import type { FillDebit } from "../ledger/debits";
import { inAccountTransaction } from "../lock/accountTransaction";
import { claimInboxMany } from "../messaging/inbox";
import { flushAppends, holdAppends } from "../shared/appendOnly";
import { deferOwnWrites, flushOwnWrites } from "../ledger/ownWrites";
import { fillDisposition, recordFill } from "../orders/fills";
import { recordOrderEvent } from "../orders/lifecycle";
import type { CoreServices } from "../services";
import { commissionOn } from "../shared/fees";
import { minDec, money, qty, ZERO, type Decimal } from "../shared/money";
import { confirmTcc } from "../tcc/coordinator";

const CONSUMER = "ledger";

/** Statuses an order reaches only once its TCC transaction is confirmed. */
const CONFIRMED_BY_STATUS: ReadonlySet<OrderStatus> = new Set(["ACCEPTED", "PARTIALLY_FILLED"]);

export type ApplyOutcome = "applied" | "late-fill" | "duplicate" | "refused";

type Receipt = Pick<ExecutionReceipt, "id" | "execId" | "orderId" | "quantity" | "price">;

/** One execution in a transaction of its own: what the batch falls back to, and what tests and tools call. */
export async function applyExecution(services: CoreServices, receiptId: string): Promise<ApplyOutcome> {
  const receipt = await services.prisma.executionReceipt.findUniqueOrThrow({
    where: { id: receiptId },
    include: { order: { select: { accountId: true } } },
  });
  const outcomes = await applyExecutions(services, receipt.order.accountId, [receiptId]);
  return outcomes.get(receiptId)!;
}

/**
 * Executions of one account's orders in one transaction under one lock acquisition: one inbox statement claims them
 * all, one reads their receipts and one their orders, then each is applied as applyExecution would, in the given order
 * (two of one order, one after the other). All or nothing: a failure aborts every one of them, and the batcher
 * (ledgerBatcher.ts) splits the batch to find the one that failed.
 */
export async function applyExecutions(
  services: CoreServices,
  accountId: string,
  receiptIds: string[],
): Promise<Map<string, ApplyOutcome>> {
  return inAccountTransaction(
    services,
    accountId,
    { actor: CONSUMER, cause: `${receiptIds.length === 1 ? "execution" : "executions"} ${receiptIds.join(", ")}` },
    async (tx) => {
      const outcomes = new Map<string, ApplyOutcome>(receiptIds.map((id) => [id, "duplicate"]));
      const fresh = await claimInboxMany(tx, CONSUMER, receiptIds);
      if (fresh.length === 0) return outcomes;
      // The batch's ledger entries and timeline events go in with one statement each, and each balance row with one
      // compare-and-set, at the end (shared/appendOnly.ts, ledger/ownWrites.ts).
      holdAppends(tx);
      deferOwnWrites(tx);
      const receipts = await tx.executionReceipt.findMany({ where: { id: { in: fresh } } });
      const orders = new Map(
        (await tx.order.findMany({ where: { id: { in: receipts.map((receipt) => receipt.orderId) } } })).map(
          (order) => [order.id, order],
        ),
      );
      const byId = new Map(receipts.map((receipt) => [receipt.id, receipt]));
      for (const receiptId of receiptIds.filter((id) => byId.has(id))) {
        const receipt = byId.get(receiptId)!;
        const order = orders.get(receipt.orderId)!;
        if (order.accountId !== accountId) {
          throw new Error(`execution ${receipt.execId} is for account ${order.accountId}, not ${accountId}`);
        }
        const { outcome, after } = await applyToOrder(tx, services, receipt, order);
        orders.set(order.id, after);
        outcomes.set(receiptId, outcome);
      }
      await flushOwnWrites(tx);
      await flushAppends(tx);
      return outcomes;
    },
  );
}

async function applyToOrder(
  tx: Tx,
  services: CoreServices,
  receipt: Receipt,
  order: Order,
): Promise<{ outcome: ApplyOutcome; after: Order }> {
  const disposition = fillDisposition(order, receipt.quantity);
  if (disposition === "overfill") {
    await recordOrderEvent(tx, order.id, {
      kind: "EXECUTION_REFUSED",
      actor: CONSUMER,
      cause: `execution ${receipt.execId} for ${receipt.quantity.toString()} would overfill the order (${order.quantity.minus(order.filledQuantity).toString()} left); ledger unchanged`,
      detail: {
        receiptId: receipt.id,
        execId: receipt.execId,
        quantity: receipt.quantity.toString(),
        price: receipt.price.toString(),
      },
    });
    return { outcome: "refused", after: order };
  }
  // A fill proves the broker accepted the order, even if the gateway has not recorded the answer yet. A closed
  // order's reservation is settled already: its late fill is paid from what the account has now, and what the
  // account cannot cover becomes a visible debit (ledger/balances.ts), never a refusal or a negative balance.
  // An order the broker had accepted already had its reservation confirmed with that answer (orders/brokerAnswers.ts),
  // and a partly filled one with its first fill: only one still waiting for an answer needs the Confirm here.
  if (disposition === "fill" && !CONFIRMED_BY_STATUS.has(order.status)) await confirmTcc(tx, order);
  const after = await settle(
    tx,
    order,
    { receiptId: receipt.id, quantity: receipt.quantity, price: receipt.price, execId: receipt.execId },
    services.config.fees.commissionRate,
  );
  return { outcome: disposition === "fill" ? "applied" : "late-fill", after };
}

async function settle(
  tx: Tx,
  order: Order,
  fill: { receiptId: string; execId: string; quantity: Decimal; price: Decimal },
  commissionRate: string,
): Promise<Order> {
  const notional = fill.quantity.times(fill.price);
  const commission = commissionOn(notional, commissionRate);
  // Commission is paid with the order's held points first (1 point = 1 cent), the rest in cash. The points are the
  // fee points service's: the order counts what it spent, and Confirm tells the service when the order closes.
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
  const { heldCash, heldQuantity, debit } = await settleTrade(tx, order, settlement);
  const after = await recordFill(tx, order, {
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
  return after;
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
