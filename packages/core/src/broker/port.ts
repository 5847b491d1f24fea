// The one internal interface every partner broker sits behind (the "order-request server" isolation of Toss SLASH 22,
// "How one Apple share reaches the customer"): the gateway, the receiver and reconciliation speak only this; a new
// broker is one more adapter.

// The shapes that cross the wire live once, in ./wire, as zod schemas with their inferred types.
import { instanceOfAnyCopy } from "../shared/errors";
import type { BrokerOrderRequest, BrokerOrderView, CancelResult, Quote, SubmitResult } from "./wire";

export type {
  BrokerExecution,
  BrokerOrderRequest,
  BrokerOrderStatus,
  BrokerOrderView,
  CancelResult,
  OrderKind,
  Quote,
  Side,
  SubmitResult,
} from "./wire";

export interface BrokerCapabilities {
  /** Whether the broker can look an order up by our id (some partners can, some cannot). */
  lookupByClientOrderId: boolean;
}

const BROKER_UNAVAILABLE = Symbol.for("meridian.BrokerUnavailableError");

/**
 * Thrown when the outcome of a call is not known: timeout, connection failure, 5xx. The order becomes UNKNOWN.
 * Recognized across module copies (the web app calls the points service from a route bundle of its own).
 */
export class BrokerUnavailableError extends Error {
  readonly [BROKER_UNAVAILABLE] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return instanceOfAnyCopy(this, BrokerUnavailableError, BROKER_UNAVAILABLE, value);
  }

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
