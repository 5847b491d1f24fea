// One HTTP call to a partner institution, as every adapter of ours makes it (the brokers, the FX desk): a timeout of
// our own, the body read inside it, and every failure whose outcome we cannot know turned into BrokerUnavailableError.
// What a status code means is each adapter's own business; how a call can fail in transit is the same for all.
import { BrokerUnavailableError } from "./port";

export interface PartnerRequest {
  /** Who is called, as flow control and the errors name it ("atlas", "fxdesk"). */
  partnerId: string;
  url: string;
  method: "GET" | "POST";
  body?: unknown;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** How the call is named in error messages, e.g. "POST /orders". */
  what: string;
  /** Sent with every call, e.g. the points service's Authorization. */
  headers?: Record<string, string>;
}

export interface PartnerAnswer {
  status: number;
  text: string;
}

/** The partner's status and body; throws BrokerUnavailableError (TIMEOUT, NETWORK) when no answer came. */
export async function fetchPartner(request: PartnerRequest): Promise<PartnerAnswer> {
  const { body, signal } = request;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...request.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: combined,
    });
    // Reading the body is still part of the call: a partner that stalls mid-body times out the same way.
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw transportFailure(request, error, timeout);
  }
}

function transportFailure(request: PartnerRequest, error: unknown, timeout: AbortSignal): unknown {
  const { partnerId, what, signal } = request;
  // The caller gave up (shutdown, its own deadline): hand its reason back rather than blaming the partner.
  if (signal?.aborted) return signal.reason;
  if (timeout.aborted) {
    return new BrokerUnavailableError(partnerId, "TIMEOUT", `${what}: no answer within ${request.timeoutMs} ms`);
  }
  const message = error instanceof Error ? `${error.message}${causeOf(error)}` : String(error);
  return new BrokerUnavailableError(partnerId, "NETWORK", `${what}: ${message}`);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function causeOf(error: Error): string {
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}

/** One call to a partner's HTTP API, as both adapters describe it. */
export interface PartnerCallOptions {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  signal: AbortSignal | undefined;
  /** Answer null instead of refusing when the partner says 404 (no such order, no such conversion). */
  notFoundAsNull?: boolean;
}
