// The adapter for the FX desk's HTTP API (the simulator's /fxdesk routes). As with the brokers, every failure whose
// outcome we cannot know (timeout, dropped connection, 5xx, an unreadable 2xx) becomes BrokerUnavailableError: the
// caller asks again with the same clientKey, or looks the key up, instead of guessing. A 4xx with one of the desk's
// refusal codes is an FxDeskRefusal.
import { z } from "zod";
import { BrokerUnavailableError } from "../broker/port";
import { fetchPartner, parseJson, type PartnerCallOptions } from "../broker/partnerHttp";
import { FX_DESK_PARTNER_ID, FxDeskRefusal, type FxDesk } from "./port";
import {
  ZFxConversion,
  ZFxErrorBody,
  ZFxQuote,
  ZFxRate,
  type FxConversion,
  type FxConversionRequest,
  type FxQuote,
  type FxRate,
} from "./wire";

export interface HttpFxDeskOptions {
  /** The desk's root, e.g. http://127.0.0.1:4100/fxdesk (FX_DESK_URL). */
  baseUrl: string;
  /** Default 5 s; the composition root passes the partner call timeout (BROKER_TIMEOUT_MS). */
  timeoutMs?: number;
}

export class HttpFxDesk implements FxDesk {
  readonly partnerId = FX_DESK_PARTNER_ID;
  private readonly root: string;
  private readonly timeoutMs: number;

  constructor(options: HttpFxDeskOptions) {
    this.root = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  rate(signal?: AbortSignal): Promise<FxRate> {
    return this.call(ZFxRate, { method: "GET", path: "/rate", signal });
  }

  quote(signal?: AbortSignal): Promise<FxQuote> {
    return this.call(ZFxQuote, { method: "POST", path: "/quotes", signal });
  }

  getQuote(quoteId: string, signal?: AbortSignal): Promise<FxQuote> {
    return this.call(ZFxQuote, { method: "GET", path: `/quotes/${encodeURIComponent(quoteId)}`, signal });
  }

  convert(request: FxConversionRequest, signal?: AbortSignal): Promise<FxConversion> {
    return this.call(ZFxConversion, { method: "POST", path: "/conversions", body: request, signal });
  }

  lookup(clientKey: string, signal?: AbortSignal): Promise<FxConversion | null> {
    const path = `/conversions/${encodeURIComponent(clientKey)}`;
    return this.call(ZFxConversion, { method: "GET", path, signal, notFoundAsNull: true });
  }

  reverse(clientKey: string, reversalKey: string, signal?: AbortSignal): Promise<FxConversion> {
    const path = `/conversions/${encodeURIComponent(clientKey)}/reverse`;
    return this.call(ZFxConversion, { method: "POST", path, body: { reversalKey }, signal });
  }

  report(since: Date, signal?: AbortSignal): Promise<FxConversion[]> {
    const path = `/report?since=${encodeURIComponent(since.toISOString())}`;
    return this.call(z.array(ZFxConversion), { method: "GET", path, signal });
  }

  private async call<T>(
    schema: z.ZodType<T>,
    options: PartnerCallOptions & { notFoundAsNull: true },
  ): Promise<T | null>;
  private async call<T>(schema: z.ZodType<T>, options: PartnerCallOptions): Promise<T>;
  private async call<T>(schema: z.ZodType<T>, options: PartnerCallOptions): Promise<T | null> {
    const { method, path, body, signal } = options;
    const what = `${method} /fxdesk${path}`;
    const { status, text } = await fetchPartner({
      partnerId: this.partnerId,
      url: `${this.root}${path}`,
      method,
      body,
      signal,
      timeoutMs: this.timeoutMs,
      what,
    });

    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(parseJson(text));
      if (parsed.success) return parsed.data;
      // The desk may have converted; we cannot tell what it did, so the outcome is unknown.
      throw new BrokerUnavailableError(
        this.partnerId,
        "SERVER_ERROR",
        `${what}: unreadable ${status} response: ${z.prettifyError(parsed.error)}`,
      );
    }
    if (status >= 500 && status !== 501) {
      throw new BrokerUnavailableError(
        this.partnerId,
        "SERVER_ERROR",
        `${what}: the FX desk answered ${status}: ${text.slice(0, 200)}`,
      );
    }
    const refusal = ZFxErrorBody.safeParse(parseJson(text));
    if (!refusal.success) {
      // A definite answer without one of the desk's codes (a route it does not have, a 501): nothing was converted,
      // and asking again will not change that.
      throw new FxDeskRefusal("INVALID", `${what}: the FX desk answered ${status}: ${text.slice(0, 200)}`);
    }
    if (status === 404 && options.notFoundAsNull && refusal.data.error === "NOT_FOUND") return null;
    throw new FxDeskRefusal(refusal.data.error, `${what}: ${refusal.data.message}`);
  }
}
