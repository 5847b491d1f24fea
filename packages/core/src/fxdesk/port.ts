// The one interface the FX desk sits behind: the partner that converts won into dollars and back. It is a partner
// institution like a broker (Toss Bank's flow control toward external institutions applies to it unchanged), so an
// answer we could not get is the brokers' BrokerUnavailableError, with the desk's partner id, and flow control treats
// it as any partner's. A definite "no" from the desk is an FxDeskRefusal: the desk answered, nothing was converted.
import type { FxConversion, FxConversionRequest, FxQuote, FxRate, FxRefusalCode } from "./wire";

export type { Currency, FxConversion, FxConversionRequest, FxQuote, FxRate, FxRefusalCode } from "./wire";
export { BrokerUnavailableError } from "../broker/port";

/** The desk's partner id: its flow control, its broker_circuits row, its broker_calls rows and its errors use it. */
export const FX_DESK_PARTNER_ID = "fxdesk";

/**
 * The desk answered and refused: QUOTE_EXPIRED / QUOTE_UNKNOWN (ask for a new quote), KEY_CONFLICT (the key was used
 * for other terms), INVALID (amounts the rounding rules refuse), NOT_FOUND (no conversion with that key),
 * NOT_REVERSIBLE (already reversed under another key, or itself a reversal). Not a partner failure: it neither opens
 * the breaker nor shrinks the pool.
 */
export class FxDeskRefusal extends Error {
  constructor(
    readonly code: FxRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "FxDeskRefusal";
  }
}

export interface FxDesk {
  readonly partnerId: string;
  /** The current rate (indicative: a conversion without a quote is made at the rate when it arrives). */
  rate(signal?: AbortSignal): Promise<FxRate>;
  /** A rate the desk holds until `expiresAt` for a conversion that names its quoteId. */
  quote(signal?: AbortSignal): Promise<FxQuote>;
  /** A quote the desk gave earlier, as it holds it (QUOTE_UNKNOWN refusal when it has none by that id). */
  getQuote(quoteId: string, signal?: AbortSignal): Promise<FxQuote>;
  /** Idempotent by request.clientKey: a repeat answers the conversion already made. */
  convert(request: FxConversionRequest, signal?: AbortSignal): Promise<FxConversion>;
  /** The conversion made under `clientKey`, or null when the desk has none (it never arrived, or was refused). */
  lookup(clientKey: string, signal?: AbortSignal): Promise<FxConversion | null>;
  /**
   * Undoes the conversion under `clientKey` with a new one under `reversalKey`: the sides swapped, at the original rate
   * and amounts. Idempotent by reversalKey; a conversion is reversed once.
   */
  reverse(clientKey: string, reversalKey: string, signal?: AbortSignal): Promise<FxConversion>;
  /** The desk's daily report: every conversion (reversals included) executed since `since`. */
  report(since: Date, signal?: AbortSignal): Promise<FxConversion[]>;
}
