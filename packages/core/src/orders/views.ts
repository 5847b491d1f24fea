import type { Order, OrderStatus } from "@meridian/db";
import { money, price, qty } from "../shared/money";

export interface OrderView {
  id: string;
  accountNo: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  quantity: string;
  limitPrice: string | null;
  status: OrderStatus;
  filledQuantity: string;
  averagePrice: string | null;
  feesPaid: string;
  heldCash: string;
  heldQuantity: string;
  payFeeWithPoints: boolean;
  heldPoints: string;
  pointsUsed: string;
  brokerId: string;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toOrderView(order: Order, accountNo: string): OrderView {
  return {
    id: order.id,
    accountNo,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: qty(order.quantity),
    limitPrice: price(order.limitPrice),
    status: order.status,
    filledQuantity: qty(order.filledQuantity),
    averagePrice: order.filledQuantity.isZero()
      ? null
      : order.filledNotional.dividedBy(order.filledQuantity).toFixed(4),
    feesPaid: money(order.feesPaid),
    heldCash: money(order.heldCash),
    heldQuantity: qty(order.heldQuantity),
    payFeeWithPoints: order.payFeeWithPoints,
    heldPoints: order.heldPoints.toString(),
    pointsUsed: order.pointsUsed.toString(),
    brokerId: order.brokerId,
    statusReason: order.statusReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
