// What the gateway sends the broker for an order: our order id as the idempotency key (ClOrdID) and the order's terms.
// A market buy goes out as a marketable limit at its protection price, the unit price its cash was held at: it fills
// at the market like a market order while the market stays within the collar, and never above the hold. Our record
// (and the customer's screen) keeps it a market order.
import type { Order } from "@meridian/db";
import type { BrokerOrderRequest } from "../broker/port";

export function toBrokerRequest(order: Order): BrokerOrderRequest {
  const limitPrice = order.limitPrice ?? (order.side === "BUY" ? order.protectionPrice : null);
  return {
    clientOrderId: order.id,
    accountRef: order.accountId,
    symbol: order.symbol,
    side: order.side,
    type: limitPrice ? "LIMIT" : order.type,
    quantity: order.quantity.toString(),
    ...(limitPrice ? { limitPrice: limitPrice.toFixed(2) } : {}),
  };
}
