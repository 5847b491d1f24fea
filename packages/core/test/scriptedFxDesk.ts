// An FX desk in memory for domain tests, as ScriptedBroker is for brokers: it keeps the real desk's rules (idempotent
// by clientKey, quotes that expire, one reversal per conversion, amounts from the shared rounding) and lets a test
// decide the rate and make the next call fail — before converting (nothing happened) or after (the answer was lost,
// the conversion stands, as the simulator's dropped-response fault does). The cross-process suites use the simulator.
import { BrokerUnavailableError } from "../src/broker/port";
import { FX_DESK_PARTNER_ID, FxDeskRefusal, type FxDesk } from "../src/fxdesk/port";
import { convertAmounts, formatAmount, FxAmountError } from "../src/fxdesk/rounding";
import type { FxConversion, FxConversionRequest, FxQuote, FxRate } from "../src/fxdesk/wire";

export interface ScriptedFxFault {
  operation: "convert" | "reverse" | "lookup" | "quote" | "report";
  error?: Error;
  /** true: the desk converts first and the answer is lost; false (default): the call never reached the desk. */
  afterExecuting?: boolean;
}

export class ScriptedFxDesk implements FxDesk {
  readonly partnerId = FX_DESK_PARTNER_ID;
  bid = "1373.10";
  ask = "1386.90";
  quoteTtlMs = 30_000;
  /** Every conversion and reversal, by client key (a reversal's is its reversalKey), in execution order. */
  readonly conversions = new Map<string, FxConversion>();
  readonly calls: { operation: string; key: string | null }[] = [];
  /** Faults for the next calls, consumed in order by the first call of each one's operation. */
  readonly faults: ScriptedFxFault[] = [];
  private readonly quotes = new Map<string, FxQuote>();
  private sequence = 0;

  /** The next call of `operation` fails (a timeout by default). */
  failNext(operation: ScriptedFxFault["operation"], options: Omit<ScriptedFxFault, "operation"> = {}): void {
    this.faults.push({ operation, ...options });
  }

  async rate(): Promise<FxRate> {
    const mid = ((Number(this.bid) + Number(this.ask)) / 2).toFixed(2); // display only; conversions use bid/ask
    return { pair: "USDKRW", bid: this.bid, ask: this.ask, mid, at: new Date().toISOString() };
  }

  async quote(): Promise<FxQuote> {
    return this.run("quote", null, async () => {
      const quote = {
        ...(await this.rate()),
        quoteId: `q-${++this.sequence}`,
        expiresAt: new Date(Date.now() + this.quoteTtlMs).toISOString(),
      };
      this.quotes.set(quote.quoteId, quote);
      return quote;
    });
  }

  async getQuote(quoteId: string): Promise<FxQuote> {
    return this.run("quote", null, async () => {
      const quote = this.quotes.get(quoteId);
      if (!quote) throw new FxDeskRefusal("QUOTE_UNKNOWN", `no quote ${quoteId}`);
      return quote;
    });
  }

  async convert(request: FxConversionRequest): Promise<FxConversion> {
    return this.run("convert", request.clientKey, async () => {
      const existing = this.conversions.get(request.clientKey);
      if (existing) {
        const same =
          existing.sell === request.sell &&
          existing.buy === request.buy &&
          existing.quoteId === (request.quoteId ?? null) &&
          (request.sellAmount === undefined || existing.sellAmount === request.sellAmount) &&
          (request.buyAmount === undefined || existing.buyAmount === request.buyAmount);
        if (!same) throw new FxDeskRefusal("KEY_CONFLICT", `key ${request.clientKey} was used for other terms`);
        return existing;
      }
      let rate: { bid: string; ask: string } = { bid: this.bid, ask: this.ask };
      if (request.quoteId !== undefined) {
        const quote = this.quotes.get(request.quoteId);
        if (!quote) throw new FxDeskRefusal("QUOTE_UNKNOWN", `no quote ${request.quoteId}`);
        if (Date.parse(quote.expiresAt) < Date.now())
          throw new FxDeskRefusal("QUOTE_EXPIRED", `quote ${request.quoteId} expired`);
        rate = quote;
      }
      let amounts;
      try {
        amounts = convertAmounts({ ...request, rate });
      } catch (error) {
        if (error instanceof FxAmountError) throw new FxDeskRefusal("INVALID", error.message);
        throw error;
      }
      return this.record({
        clientKey: request.clientKey,
        quoteId: request.quoteId ?? null,
        sell: request.sell,
        sellAmount: formatAmount(request.sell, amounts.sellAmount),
        buy: request.buy,
        buyAmount: formatAmount(request.buy, amounts.buyAmount),
        rate: amounts.rate.toFixed(2),
        reversesKey: null,
      });
    });
  }

  async lookup(clientKey: string): Promise<FxConversion | null> {
    return this.run("lookup", clientKey, async () => this.conversions.get(clientKey) ?? null);
  }

  async reverse(clientKey: string, reversalKey: string): Promise<FxConversion> {
    return this.run("reverse", reversalKey, async () => {
      const original = this.conversions.get(clientKey);
      if (!original) throw new FxDeskRefusal("NOT_FOUND", `no conversion ${clientKey}`);
      if (original.reversedByKey === reversalKey) return this.conversions.get(reversalKey)!;
      if (original.reversedByKey !== null || original.reversesKey !== null || this.conversions.has(reversalKey))
        throw new FxDeskRefusal("NOT_REVERSIBLE", `conversion ${clientKey} cannot be reversed under ${reversalKey}`);
      const reversal = this.record({
        clientKey: reversalKey,
        quoteId: null,
        sell: original.buy,
        sellAmount: original.buyAmount,
        buy: original.sell,
        buyAmount: original.sellAmount,
        rate: original.rate,
        reversesKey: clientKey,
      });
      this.conversions.set(clientKey, { ...original, reversedByKey: reversalKey });
      return reversal;
    });
  }

  async report(since: Date): Promise<FxConversion[]> {
    return this.run("report", null, async () =>
      [...this.conversions.values()].filter((conversion) => Date.parse(conversion.executedAt) >= since.getTime()),
    );
  }

  private record(fields: Omit<FxConversion, "conversionId" | "executedAt" | "reversedByKey">): FxConversion {
    const conversion: FxConversion = {
      ...fields,
      conversionId: `fx-${++this.sequence}`,
      executedAt: new Date().toISOString(),
      reversedByKey: null,
    };
    this.conversions.set(conversion.clientKey, conversion);
    return conversion;
  }

  private async run<T>(
    operation: ScriptedFxFault["operation"],
    key: string | null,
    work: () => Promise<T>,
  ): Promise<T> {
    this.calls.push({ operation, key });
    const index = this.faults.findIndex((fault) => fault.operation === operation);
    const fault = index >= 0 ? this.faults.splice(index, 1)[0] : undefined;
    if (!fault) return work();
    const error =
      fault.error ?? new BrokerUnavailableError(this.partnerId, "TIMEOUT", `${operation}: no answer (scripted)`);
    if (fault.afterExecuting) await work().catch(() => undefined);
    throw error;
  }
}
