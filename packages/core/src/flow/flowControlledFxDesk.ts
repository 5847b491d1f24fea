// The FX desk behind its flow control, as a broker is (flow/partnerGuard.ts): the desk is a partner institution with
// a promised calls-per-second (FX_DESK_TPS), a latency and failures of its own, so it gets its own pool, rate limit,
// breaker, metrics, broker_calls rows and operator levers, all under the partner id "fxdesk". A refusal from the desk
// (FxDeskRefusal) is an answer: it is logged under its code and never counts against the desk.
import { FxDeskRefusal, type FxDesk } from "../fxdesk/port";
import type { FxConversion, FxConversionRequest, FxQuote, FxRate } from "../fxdesk/wire";
import type { PartnerGuard } from "./partnerGuard";

/** How long one rate answer serves every caller: the rate is indicative, and screens ask for it often. */
const RATE_CACHE_MS = 1000;

/** broker_calls.order_id is a uuid: a key of another shape is left out of the row rather than losing the row. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const logKey = (key: string) => (UUID.test(key) ? key : undefined);

const refusalCode = (error: unknown) => (error instanceof FxDeskRefusal ? error.code : null);
const conversionOutcome = (conversion: FxConversion) => (conversion.reversesKey ? "REVERSED" : "CONVERTED");

export class FlowControlledFxDesk implements FxDesk {
  private cachedRate: { rate: Promise<FxRate>; at: number } | null = null;

  constructor(
    private readonly inner: FxDesk,
    private readonly guard: PartnerGuard,
  ) {}

  get partnerId() {
    return this.inner.partnerId;
  }

  /**
   * Bypasses flow control, like a broker's quotes: it converts nothing, and one answer a second serves every caller.
   * A failed answer is not kept, so the next caller asks again.
   */
  rate(signal?: AbortSignal): Promise<FxRate> {
    if (this.cachedRate && Date.now() - this.cachedRate.at < RATE_CACHE_MS) return this.cachedRate.rate;
    const rate = this.inner.rate(signal);
    const entry = { rate, at: Date.now() };
    this.cachedRate = entry;
    rate.catch(() => {
      if (this.cachedRate === entry) this.cachedRate = null;
    });
    return rate;
  }

  quote(signal?: AbortSignal): Promise<FxQuote> {
    return this.guard.call(
      "fx.quote",
      undefined,
      () => this.inner.quote(signal),
      () => "QUOTED",
      refusalCode,
    );
  }

  getQuote(quoteId: string, signal?: AbortSignal): Promise<FxQuote> {
    return this.guard.call(
      "fx.getQuote",
      undefined,
      () => this.inner.getQuote(quoteId, signal),
      () => "QUOTED",
      refusalCode,
    );
  }

  convert(request: FxConversionRequest, signal?: AbortSignal): Promise<FxConversion> {
    return this.guard.call(
      "fx.convert",
      logKey(request.clientKey),
      () => this.inner.convert(request, signal),
      conversionOutcome,
      refusalCode,
    );
  }

  lookup(clientKey: string, signal?: AbortSignal): Promise<FxConversion | null> {
    return this.guard.call(
      "fx.lookup",
      logKey(clientKey),
      () => this.inner.lookup(clientKey, signal),
      (conversion) => (conversion ? "FOUND" : "NOT_FOUND"),
      refusalCode,
    );
  }

  reverse(clientKey: string, reversalKey: string, signal?: AbortSignal): Promise<FxConversion> {
    return this.guard.call(
      "fx.reverse",
      logKey(reversalKey),
      () => this.inner.reverse(clientKey, reversalKey, signal),
      conversionOutcome,
      refusalCode,
    );
  }

  /** The daily report bypasses flow control, as a broker's does: reconciliation reads it off the trading path. */
  report(since: Date, signal?: AbortSignal): Promise<FxConversion[]> {
    return this.inner.report(since, signal);
  }
}
