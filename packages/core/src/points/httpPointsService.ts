// The adapter for the fee points service's HTTP API (apps/points). Every failure whose outcome we cannot know becomes
// BrokerUnavailableError("points"), as with the other partners; a 4xx with one of the service's codes is a
// PointsRefusal. Every call carries the shared bearer secret.
import { z } from "zod";
import { BrokerUnavailableError } from "../broker/port";
import { fetchPartner, parseJson, type PartnerCallOptions } from "../broker/partnerHttp";
import { bearer, POINTS_AUTH_HEADER } from "./bearer";
import { POINTS_PARTNER_ID, PointsRefusal, type PointsService } from "./port";
import {
  ZPointsBalance,
  ZPointsBranchAnswer,
  ZPointsErrorBody,
  ZPointsReport,
  type PointsBalance,
  type PointsBranchAnswer,
  type PointsCancelRequest,
  type PointsConfirmRequest,
  type PointsCreditRequest,
  type PointsReservation,
  type PointsTryRequest,
} from "./wire";

export interface HttpPointsServiceOptions {
  /** The service's root, e.g. http://127.0.0.1:4300 (POINTS_URL). */
  baseUrl: string;
  /** POINTS_SERVICE_SECRET; a process without it cannot call the service (each call says so). */
  secret: string | undefined;
  /** POINTS_TIMEOUT_MS. */
  timeoutMs: number;
}

export class HttpPointsService implements PointsService {
  private readonly root: string;

  constructor(private readonly options: HttpPointsServiceOptions) {
    this.root = options.baseUrl.replace(/\/+$/, "");
  }

  try(request: PointsTryRequest, signal?: AbortSignal): Promise<PointsBranchAnswer> {
    return this.call(ZPointsBranchAnswer, { method: "POST", path: "/tcc/try", body: request, signal });
  }

  confirm(request: PointsConfirmRequest, signal?: AbortSignal): Promise<PointsBranchAnswer> {
    return this.call(ZPointsBranchAnswer, { method: "POST", path: "/tcc/confirm", body: request, signal });
  }

  cancel(request: PointsCancelRequest, signal?: AbortSignal): Promise<PointsBranchAnswer> {
    return this.call(ZPointsBranchAnswer, { method: "POST", path: "/tcc/cancel", body: request, signal });
  }

  balance(accountNo: string, signal?: AbortSignal): Promise<PointsBalance> {
    return this.call(ZPointsBalance, { method: "GET", path: `/accounts/${encodeURIComponent(accountNo)}`, signal });
  }

  credit(accountNo: string, request: PointsCreditRequest, signal?: AbortSignal): Promise<PointsBalance> {
    const path = `/accounts/${encodeURIComponent(accountNo)}/credits`;
    return this.call(ZPointsBalance, { method: "POST", path, body: request, signal });
  }

  async report(since: Date, signal?: AbortSignal): Promise<PointsReservation[]> {
    const path = `/reservations?since=${encodeURIComponent(since.toISOString())}`;
    return (await this.call(ZPointsReport, { method: "GET", path, signal })).reservations;
  }

  private async call<T>(schema: z.ZodType<T>, options: PartnerCallOptions): Promise<T> {
    const { method, path, body, signal } = options;
    const what = `${method} points${path.split("?")[0]}`;
    if (!this.options.secret)
      throw new Error("POINTS_SERVICE_SECRET is not set: set the secret the fee points service was started with.");
    const { status, text } = await fetchPartner({
      partnerId: POINTS_PARTNER_ID,
      url: `${this.root}${path}`,
      method,
      body,
      signal,
      timeoutMs: this.options.timeoutMs,
      what,
      headers: { [POINTS_AUTH_HEADER]: bearer(this.options.secret) },
    });
    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(parseJson(text));
      if (parsed.success) return parsed.data;
      throw new BrokerUnavailableError(
        POINTS_PARTNER_ID,
        "SERVER_ERROR",
        `${what}: unreadable ${status} response: ${z.prettifyError(parsed.error)}`,
      );
    }
    const refusal = ZPointsErrorBody.safeParse(parseJson(text));
    if (status >= 500 || !refusal.success) {
      throw new BrokerUnavailableError(
        POINTS_PARTNER_ID,
        "SERVER_ERROR",
        `${what}: the points service answered ${status}: ${text.slice(0, 200)}`,
      );
    }
    throw new PointsRefusal(refusal.data.code, `${what}: ${refusal.data.message}`);
  }
}
