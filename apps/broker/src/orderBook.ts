// A broker's orders, keyed by our clientOrderId (the idempotency key), and the checks a partner makes before taking
// one.
import type {
  BrokerExecution,
  BrokerOrderRequest,
  BrokerOrderStatus,
  BrokerOrderView,
  OrderKind,
  Side,
  SubmitResult,
} from "@meridian/core/broker";
import { formatCents, parseCents, parseWholeQuantity } from "./money";
import type { QuoteBook } from "./quotes";

export const MAX_ORDER_QUANTITY = 1_000_000;

export interface SimOrder {
  clientOrderId: string;
  brokerOrderId: string;
  accountRef: string;
  symbol: string;
  side: Side;
  type: OrderKind;
  quantity: number;
  /** The quantity as the client sent it (a rejected order's may not be a number). */
  quantityText: string;
  limitCents: number | null;
  status: BrokerOrderStatus;
  filledQuantity: number;
  executions: BrokerExecution[];
  /** The answer to the first submit, repeated verbatim to every duplicate. */
  submitResult: SubmitResult;
  createdAt: Date;
  updatedAt: Date;
}

export const OPEN_STATUSES: ReadonlySet<BrokerOrderStatus> = new Set(["NEW", "PARTIALLY_FILLED"]);

export function isOpen(order: SimOrder): boolean {
  return OPEN_STATUSES.has(order.status);
}

/** A business reject reason, or null when the order is acceptable. */
export function rejectReasonFor(request: BrokerOrderRequest, quotes: QuoteBook): string | null {
  if (!quotes.has(request.symbol)) return `unknown symbol ${request.symbol}`;
  const quantity = parseWholeQuantity(request.quantity);
  if (quantity === null || quantity <= 0) return "quantity must be a positive whole number";
  if (quantity > MAX_ORDER_QUANTITY) return `quantity exceeds the per-order maximum of ${MAX_ORDER_QUANTITY}`;
  const hasLimit = request.limitPrice !== undefined && request.limitPrice !== null;
  if (request.type === "LIMIT") {
    const limitCents = hasLimit ? parseCents(request.limitPrice!) : null;
    if (limitCents === null || limitCents <= 0) {
      return "a LIMIT order needs a positive limitPrice with at most 2 decimals";
    }
  } else if (hasLimit) {
    return "a MARKET order takes no limitPrice";
  }
  return null;
}

export class OrderBook {
  private readonly orders = new Map<string, SimOrder>();
  private sequence = 0;

  constructor(private readonly idPrefix: string) {}

  get(clientOrderId: string): SimOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  /** Records a new order, accepted (NEW) or rejected; the caller has made sure the clientOrderId is new. */
  record(request: BrokerOrderRequest, rejectReason: string | null): SimOrder {
    const brokerOrderId = `${this.idPrefix}-${String(++this.sequence).padStart(8, "0")}`;
    const now = new Date();
    const order: SimOrder = {
      clientOrderId: request.clientOrderId,
      brokerOrderId,
      accountRef: request.accountRef,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      quantity: parseWholeQuantity(request.quantity) ?? 0,
      quantityText: request.quantity,
      limitCents: request.type === "LIMIT" && request.limitPrice ? parseCents(request.limitPrice) : null,
      status: rejectReason === null ? "NEW" : "REJECTED",
      filledQuantity: 0,
      executions: [],
      submitResult:
        rejectReason === null ? { outcome: "ACCEPTED", brokerOrderId } : { outcome: "REJECTED", reason: rejectReason },
      createdAt: now,
      updatedAt: now,
    };
    this.orders.set(order.clientOrderId, order);
    return order;
  }

  /** The daily report: orders created or changed at or after `since` (all orders when omitted). */
  changedSince(since?: Date): SimOrder[] {
    const orders = [...this.orders.values()];
    return since ? orders.filter((order) => order.updatedAt >= since || order.createdAt >= since) : orders;
  }
}

export function viewOf(order: SimOrder): BrokerOrderView {
  return {
    clientOrderId: order.clientOrderId,
    brokerOrderId: order.brokerOrderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantityText,
    limitPrice: order.limitCents === null ? null : formatCents(order.limitCents),
    status: order.status,
    filledQuantity: String(order.filledQuantity),
    executions: [...order.executions],
    createdAt: order.createdAt.toISOString(),
  };
}
