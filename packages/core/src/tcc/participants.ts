// The participants of an order's TCC transaction in our own database, each behind its barrier: cash for a buy, shares
// for a sell. Try reserves; Confirm commits the reservation to the order (fills then settle against it); Cancel gives
// back what the order still reserves. Fee points are a branch in another service (feePoints.ts).
import type { Order, Tx } from "@meridian/db";
import { holdCash, holdShares, releaseCash, releaseShares } from "../ledger/balances";
import type { Decimal } from "../shared/money";
import { barrierCancel, barrierConfirm, barrierTry, type BarrierVerdict, type Participant } from "./barrier";

export interface TccParticipant {
  name: Participant;
  /** Reserves `amount` for the order unless the fence says otherwise. */
  try(
    tx: Tx,
    transactionId: string,
    order: Pick<Order, "accountId" | "symbol">,
    amount: Decimal,
  ): Promise<BarrierVerdict>;
  /** The reservation itself, for a caller that has already passed the barrier (beginTcc). */
  reserve(tx: Tx, order: Pick<Order, "accountId" | "symbol">, amount: Decimal): Promise<void>;
  confirm(tx: Tx, transactionId: string): Promise<BarrierVerdict>;
  /** Releases what `order` still reserves with this participant. */
  cancel(tx: Tx, transactionId: string, order: Order): Promise<BarrierVerdict>;
  /**
   * A completed order gives back the unused rest of a confirmed reservation (a market buy's collar); the fence stays
   * CONFIRMED.
   */
  releaseRemainder(tx: Tx, order: Order): Promise<void>;
}

function participant(
  name: Participant,
  hold: (tx: Tx, order: Pick<Order, "accountId" | "symbol">, amount: Decimal) => Promise<void>,
  release: (tx: Tx, order: Order) => Promise<void>,
): TccParticipant {
  return {
    name,
    async try(tx, transactionId, order, amount) {
      const verdict = await barrierTry(tx, transactionId, name, amount);
      if (verdict === "proceed") await hold(tx, order, amount);
      return verdict;
    },
    reserve: hold,
    confirm: (tx, transactionId) => barrierConfirm(tx, transactionId, name),
    async cancel(tx, transactionId, order) {
      const verdict = await barrierCancel(tx, transactionId, name);
      if (verdict === "proceed") await release(tx, order);
      return verdict;
    },
    releaseRemainder: release,
  };
}

export const cashParticipant = participant(
  "CASH",
  (tx, order, amount) => holdCash(tx, order.accountId, amount),
  (tx, order) => releaseCash(tx, order.accountId, order.heldCash, order.id),
);

export const sharesParticipant = participant(
  "SHARES",
  (tx, order, amount) => holdShares(tx, order.accountId, order.symbol, amount),
  (tx, order) => releaseShares(tx, order.accountId, order.symbol, order.heldQuantity, order.id),
);

/** The participants in our database an order enlisted at Try: cash for a buy, shares for a sell. */
export function participantsOf(order: Pick<Order, "side">): TccParticipant[] {
  return [order.side === "BUY" ? cashParticipant : sharesParticipant];
}
