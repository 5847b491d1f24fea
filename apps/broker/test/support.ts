// Test harness: the simulator in-process on a random port, and a tiny receiver that records (and verifies) webhooks.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  HttpBrokerAdapter,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type BrokerExecution,
  type BrokerOrderRequest,
} from "@meridian/core/broker";
import { sleep } from "@meridian/core/sleep";
import { pino } from "pino";
import { BROKER_DEFINITIONS, createBrokerServer, type BrokerServer } from "../src/index";

export const SECRETS = { atlas: "atlas-test-secret", harbor: "harbor-test-secret" } as const;
export type TestBrokerId = keyof typeof SECRETS;

export interface ReceivedWebhook {
  brokerId: string;
  execution: BrokerExecution;
  signatureOk: boolean;
  signatureProblem?: string;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status the receiver answers with (default 200); change it to make deliveries fail. */
  respondWith: number;
  /** Requests seen, including those answered with an error status. */
  attempts: number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export async function startReceiver(): Promise<Receiver> {
  const state = { received: [] as ReceivedWebhook[], respondWith: 200, attempts: 0 };
  const server: Server = createServer(async (request, response) => {
    const rawBody = await readBody(request);
    const match = /^\/brokers\/([^/]+)\/executions$/.exec(request.url ?? "");
    state.attempts++;
    if (!match || request.method !== "POST") {
      response.writeHead(404).end();
      return;
    }
    if (state.respondWith !== 200) {
      response.writeHead(state.respondWith).end();
      return;
    }
    const brokerId = match[1]!;
    const verdict = verifyWebhook({
      secret: SECRETS[brokerId as TestBrokerId] ?? "",
      timestamp: request.headers[WEBHOOK_TIMESTAMP_HEADER] as string | undefined,
      signature: request.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined,
      rawBody,
    });
    state.received.push({
      brokerId,
      execution: JSON.parse(rawBody) as BrokerExecution,
      signatureOk: verdict.ok,
      signatureProblem: verdict.ok ? undefined : verdict.reason,
    });
    response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

export interface Harness {
  broker: BrokerServer;
  receiver: Receiver;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const receiver = await startReceiver();
  const broker = await createBrokerServer({
    port: 0,
    receiverUrl: receiver.url,
    secrets: { ...SECRETS },
    fillDelayMs: [10, 40],
    quoteTickMs: 50,
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
  });
  return {
    broker,
    receiver,
    close: async () => {
      await broker.close();
      await receiver.close();
    },
  };
}

/** Core's HTTP adapter for one simulated broker, with that broker's real capabilities. */
export function adapterFor(harness: Harness, brokerId: TestBrokerId): HttpBrokerAdapter {
  const definition = BROKER_DEFINITIONS.find((candidate) => candidate.brokerId === brokerId)!;
  return new HttpBrokerAdapter({ brokerId, baseUrl: harness.broker.url, capabilities: definition.capabilities });
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let sequence = 0;
export function newClientOrderId(): string {
  return `ord-${process.pid}-${Date.now()}-${++sequence}`;
}

export function marketOrder(overrides: Partial<BrokerOrderRequest> = {}): BrokerOrderRequest {
  return {
    clientOrderId: newClientOrderId(),
    accountRef: "acct-1",
    symbol: "AAPL",
    side: "BUY",
    type: "MARKET",
    quantity: "100",
    ...overrides,
  };
}

export async function api<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export function executionsOf(receiver: Receiver, clientOrderId: string): BrokerExecution[] {
  return receiver.received
    .filter((webhook) => webhook.execution.clientOrderId === clientOrderId)
    .map((webhook) => webhook.execution);
}

export function sumQuantities(executions: readonly BrokerExecution[]): number {
  return executions.reduce((sum, execution) => sum + Number(execution.quantity), 0);
}
