// The adapter for partners that speak the simulator's HTTP wire API (apps/broker/README.md). Every failure whose
// outcome we cannot know (timeout, dropped connection, 5xx, an unreadable 2xx) becomes BrokerUnavailableError, so the
// gateway retries with the same clientOrderId instead of guessing.
import { z } from "zod";
import {
  BrokerProtocolError,
  BrokerUnavailableError,
  type BrokerAdapter,
  type BrokerCapabilities,
  type BrokerOrderRequest,
  type BrokerOrderView,
  type CancelResult,
  type Quote,
  type SubmitResult,
} from "./port";
import { fetchPartner, parseJson, type PartnerCallOptions } from "./partnerHttp";
import { ORDER_NOT_FOUND, ZBrokerErrorBody, ZBrokerOrderView, ZCancelResult, ZQuote, ZSubmitResult } from "./wire";

export interface HttpBrokerAdapterOptions {
  brokerId: string;
  /** The partner's root, e.g. http://127.0.0.1:4100; routes live under /brokers/:brokerId. */
  baseUrl: string;
  capabilities: BrokerCapabilities;
  timeoutMs?: number;
}

export class HttpBrokerAdapter implements BrokerAdapter {
  readonly brokerId: string;
  readonly capabilities: BrokerCapabilities;
  private readonly brokerRoot: string;
  private readonly timeoutMs: number;

  constructor(options: HttpBrokerAdapterOptions) {
    this.brokerId = options.brokerId;
    this.capabilities = options.capabilities;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.brokerRoot = `${options.baseUrl.replace(/\/+$/, "")}/brokers/${encodeURIComponent(options.brokerId)}`;
  }

  async submitOrder(request: BrokerOrderRequest, signal?: AbortSignal): Promise<SubmitResult> {
    return this.call(ZSubmitResult, { method: "POST", path: "/orders", body: request, signal });
  }

  async cancelOrder(clientOrderId: string, signal?: AbortSignal): Promise<CancelResult> {
    const path = `/orders/${encodeURIComponent(clientOrderId)}/cancel`;
    return this.call(ZCancelResult, { method: "POST", path, signal });
  }

  async lookupOrder(clientOrderId: string, signal?: AbortSignal): Promise<BrokerOrderView | null> {
    if (!this.capabilities.lookupByClientOrderId) {
      throw new Error(`broker ${this.brokerId} cannot look an order up by client order id (capability not supported)`);
    }
    const path = `/orders/${encodeURIComponent(clientOrderId)}`;
    return this.call(ZBrokerOrderView, { method: "GET", path, signal, notFoundAsNull: true });
  }

  async getQuotes(signal?: AbortSignal): Promise<Quote[]> {
    return this.call(z.array(ZQuote), { method: "GET", path: "/quotes", signal });
  }

  /**
   * The broker's daily report: every order created (or changed) since `since`. Both partners offer it; it is what
   * reconciliation compares against (BrokerAdapter.listOrdersSince).
   */
  async listOrdersSince(since: Date, signal?: AbortSignal): Promise<BrokerOrderView[]> {
    const path = `/orders?since=${encodeURIComponent(since.toISOString())}`;
    return this.call(z.array(ZBrokerOrderView), { method: "GET", path, signal });
  }

  private async call<T>(
    schema: z.ZodType<T>,
    options: PartnerCallOptions & { notFoundAsNull: true },
  ): Promise<T | null>;
  private async call<T>(schema: z.ZodType<T>, options: PartnerCallOptions): Promise<T>;
  private async call<T>(schema: z.ZodType<T>, options: PartnerCallOptions): Promise<T | null> {
    const { method, path, body, signal } = options;
    const what = `${method} ${path}`;
    const { status, text } = await fetchPartner({
      partnerId: this.brokerId,
      url: `${this.brokerRoot}${path}`,
      method,
      body,
      signal,
      timeoutMs: this.timeoutMs,
      what,
    });

    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(parseJson(text));
      if (!parsed.success) {
        // The broker may have acted on the call; we cannot tell what it did, so the outcome is unknown.
        throw new BrokerUnavailableError(
          this.brokerId,
          "SERVER_ERROR",
          `${what}: unreadable ${status} response: ${z.prettifyError(parsed.error)}`,
        );
      }
      return parsed.data;
    }

    const errorBody = ZBrokerErrorBody.safeParse(parseJson(text));
    const detail = errorBody.success ? errorBody.data.error : text.slice(0, 200);
    if (status === 404 && options.notFoundAsNull && errorBody.success && errorBody.data.code === ORDER_NOT_FOUND) {
      return null;
    }
    // 501 is a definite "this broker does not do that", not an unknown outcome.
    if (status >= 500 && status !== 501) {
      throw new BrokerUnavailableError(this.brokerId, "SERVER_ERROR", `${what}: broker answered ${status}: ${detail}`);
    }
    throw new BrokerProtocolError(this.brokerId, `${what}: broker answered ${status}: ${detail}`);
  }
}
