// placeOrder: validate → account lock → one transaction (order PENDING_NEW, TCC Try on each participant: cash or
// shares, and fee points; outbox event) → return at once. The customer never waits on the broker; the gateway picks
// the order up from the outbox.
import type { Order } from "@meridian/db";
import { findInstrument } from "../market/instruments";
import { TOPICS } from "../messaging/topics";
import { writeOutbox } from "../messaging/outbox";
import type { AccountRef, CoreServices } from "../services";
import { inAccountTransaction } from "../shared/accountTx";
import { DomainError } from "../shared/errors";
import { commissionOn, MARKET_BUY_COLLAR } from "../shared/fees";
import { dec, toCentsUp, ZERO, type Decimal } from "../shared/money";
import { beginTcc } from "../tcc/coordinator";
import { participantsOf, pointsParticipant } from "../tcc/participants";
import type { TPlaceOrderInput } from "./placeOrder.schema";
import { recordOrderEvent } from "./transition";

export interface PlaceOrderArgs {
  ctx: { services: CoreServices; account: AccountRef; actor: string };
  input: TPlaceOrderInput;
}

export async function placeOrder({ ctx, input }: PlaceOrderArgs): Promise<Order> {
  const { services, account } = ctx;
  if (!findInstrument(input.symbol)) {
    throw new DomainError("BAD_REQUEST", `${input.symbol} is not a symbol we trade. Pick one from the quotes list.`, "symbol");
  }
  const quantity = dec(input.quantity);
  const limitPrice = input.limitPrice ? dec(input.limitPrice) : null;
  const payFeeWithPoints = input.payFeeWithPoints ?? false;
  const broker = services.brokers.brokerFor(input.symbol);
  const reservation = await reserveAmounts(services, input, quantity, limitPrice, payFeeWithPoints);

  return inAccountTransaction(services, account.id, { actor: ctx.actor, cause: `place ${input.side} ${input.quantity} ${input.symbol}` }, async (tx) => {
    if (input.idempotencyKey) {
      const existing = await tx.order.findUnique({ where: { accountId_idempotencyKey: { accountId: account.id, idempotencyKey: input.idempotencyKey } } });
      if (existing) return existing;
    }
    const order = await tx.order.create({
      data: {
        accountId: account.id,
        idempotencyKey: input.idempotencyKey,
        brokerId: broker.brokerId,
        symbol: input.symbol,
        side: input.side,
        type: input.type,
        quantity,
        limitPrice,
        payFeeWithPoints,
        heldCash: reservation.cash,
        heldQuantity: input.side === "SELL" ? quantity : ZERO,
        heldPoints: reservation.points,
      },
    });
    // TCC Try: each participant reserves behind its fence; a refusal (not enough cash, shares or points) aborts the
    // whole transaction, so nothing is held and no order exists.
    const transactionId = await beginTcc(tx, order.id);
    const [primary] = participantsOf(order);
    await primary!.try(tx, transactionId, order, input.side === "BUY" ? reservation.cash : quantity);
    if (payFeeWithPoints) await pointsParticipant.try(tx, transactionId, order, reservation.points);
    await recordOrderEvent(tx, order.id, {
      kind: "PLACED",
      actor: ctx.actor,
      cause: `${input.side} ${input.quantity} ${input.symbol} ${input.type}${limitPrice ? ` @ ${limitPrice.toFixed(2)}` : ""}${payFeeWithPoints ? ", commission in points" : ""}`,
      toStatus: "PENDING_NEW",
      detail: { heldCash: reservation.cash.toFixed(2), heldQuantity: order.heldQuantity.toString(), heldPoints: reservation.points.toString(), brokerId: broker.brokerId, tccTransactionId: transactionId },
    });
    await writeOutbox(tx, { topic: TOPICS.orderCommands, key: order.id, eventType: "OrderPlaced", payload: { orderId: order.id } });
    return order;
  });
}

/**
 * What Try reserves. A buy holds limit × quantity (or ask × quantity plus a collar for market orders) and the
 * commission on it, unless the commission is paid with points, which then hold the commission (1 point = 1 cent).
 */
async function reserveAmounts(services: CoreServices, input: TPlaceOrderInput, quantity: Decimal, limitPrice: Decimal | null, payFeeWithPoints: boolean) {
  const needsEstimate = input.side === "BUY" || payFeeWithPoints;
  const unitPrice = limitPrice ?? (needsEstimate ? await marketPrice(services, input.symbol, input.side) : null);
  const notional = unitPrice ? quantity.times(unitPrice) : ZERO;
  const commission = toCentsUp(commissionOn(notional));
  const points = payFeeWithPoints ? commission.times(100) : ZERO;
  const cash = input.side === "BUY" ? toCentsUp(payFeeWithPoints ? notional : notional.plus(commission)) : ZERO;
  return { cash, points };
}

async function marketPrice(services: CoreServices, symbol: string, side: "BUY" | "SELL"): Promise<Decimal> {
  const quote = await services.quotes.forSymbol(symbol).catch(() => null);
  if (!quote) {
    throw new DomainError("SERVICE_UNAVAILABLE", `No live quote for ${symbol} right now, so a market order cannot be priced. Try again shortly or place a limit order.`);
  }
  return side === "BUY" ? dec(quote.ask).times(dec(1).plus(MARKET_BUY_COLLAR)) : dec(quote.bid);
}
