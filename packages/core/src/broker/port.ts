// The one internal interface every partner broker sits behind (the "order-request server" isolation of Toss SLASH 22, "How one Apple share reaches the customer"): the
// gateway, the receiver and reconciliation speak only this; a new broker is one more adapter.

export type Side = "BUY" | "SELL";
export type OrderKind = "MARKET" | "LIMIT";

/** Decimal values cross the wire as strings ("187.25"), never as JSON numbers. */
export interface BrokerOrderRequest {
  /** Our order id: the broker's idempotency key (FIX ClOrdID). The same id never makes a second broker order. */
  clientOrderId: string;
  accountRef: string;
  symbol: string;
  side: Side;
  type: OrderKind;
  quantity: string;
  limitPrice?: string;
}

export type SubmitResult =
  /**
   * The broker has the order. A repeated submit (same clientOrderId) may say where the order stands by now: a broker
   * that already closed it answers CANCELLED or EXPIRED here, which is not an acceptance.
   */
  | { outcome: "ACCEPTED"; brokerOrderId: string; status?: BrokerOrderStatus; filledQuantity?: string }
  | { outcome: "REJECTED"; reason: string };

export type CancelResult =
  /** The broker closed the order; `filledQuantity` is final: fills still in flight add up to it. */
  | { outcome: "CANCELLED"; brokerOrderId: string; filledQuantity: string }
  /** Already filled, rejected or closed at the broker: nothing left to cancel. `status` says which, where the broker tells. */
  | { outcome: "TOO_LATE"; reason: string; filledQuantity: string; status?: BrokerOrderStatus }
  | { outcome: "NOT_FOUND" };

export type BrokerOrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELLED" | "REJECTED" | "EXPIRED";

export interface BrokerExecution {
  /** Unique per broker (FIX ExecID). */
  execId: string;
  clientOrderId: string;
  brokerOrderId: string;
  symbol: string;
  side: Side;
  quantity: string;
  price: string;
  /** ISO-8601 */
  executedAt: string;
}

export interface BrokerOrderView {
  clientOrderId: string;
  brokerOrderId: string;
  symbol: string;
  side: Side;
  type: OrderKind;
  quantity: string;
  limitPrice: string | null;
  status: BrokerOrderStatus;
  filledQuantity: string;
  executions: BrokerExecution[];
  createdAt: string;
}

export interface Quote {
  symbol: string;
  name: string;
  bid: string;
  ask: string;
  last: string;
  /** Previous close, for the day's change. */
  previousClose: string;
  timestamp: string;
}

export interface BrokerCapabilities {
  /** Whether the broker can look an order up by our id (some partners can, some cannot). */
  lookupByClientOrderId: boolean;
}

/** Thrown when the outcome of a call is not known: timeout, connection failure, 5xx. The order becomes UNKNOWN. */
export class BrokerUnavailableError extends Error {
  constructor(
    readonly brokerId: string,
    /** NOT_SENT: refused on our side (bulkhead full, circuit open): the broker never saw the call. */
    readonly reason: "TIMEOUT" | "NETWORK" | "SERVER_ERROR" | "NOT_SENT",
    message: string,
  ) {
    super(message);
    this.name = "BrokerUnavailableError";
  }
}

/** Thrown when the broker answered but refused the call as malformed (4xx other than a business reject). */
export class BrokerProtocolError extends Error {
  constructor(
    readonly brokerId: string,
    message: string,
  ) {
    super(message);
    this.name = "BrokerProtocolError";
  }
}

export interface BrokerAdapter {
  readonly brokerId: string;
  readonly capabilities: BrokerCapabilities;
  submitOrder(request: BrokerOrderRequest, signal?: AbortSignal): Promise<SubmitResult>;
  cancelOrder(clientOrderId: string, signal?: AbortSignal): Promise<CancelResult>;
  /** null when the broker has no such order. Throws when the broker lacks the capability. */
  lookupOrder(clientOrderId: string, signal?: AbortSignal): Promise<BrokerOrderView | null>;
  getQuotes(signal?: AbortSignal): Promise<Quote[]>;
  /** The broker's daily report: orders created or changed since `since` (reconciliation). */
  listOrdersSince?(since: Date, signal?: AbortSignal): Promise<BrokerOrderView[]>;
}
