// The receiver role: the webhook brokers push executions to. Signature first, then shape, then store; the broker is
// acknowledged only after the receipt is committed, so an execution we answered 200 for is never lost. Every refusal
// is also kept in refused_callbacks for the operators' Quarantine.
import { serve, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  claimedIds,
  DomainError,
  handleOutcomeRequest,
  invariantsHealth,
  recordRefusal,
  refusalCodeOf,
  storeExecution,
  transportHealth,
  type CoreServices,
  type Refusal,
  type Transport,
} from "@meridian/core";
import {
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookSecretFor,
  ZExecutionWebhook,
} from "@meridian/core/broker";

export function createReceiverApp(services: CoreServices, transport?: Pick<Transport, "status">): Hono {
  const { logger } = services;
  // Every broker's secret (BROKER_WEBHOOK_SECRET_<ID>) or no receiver at all: a missing one stops the worker at start.
  const configured = services.config.brokers.webhookSecrets;
  const secrets = new Map(
    services.brokers.all().map((broker) => [broker.brokerId, webhookSecretFor(broker.brokerId, configured)]),
  );
  const app = new Hono();

  /** Keeps the refusal for operators (the Quarantine), then answers it. A failed insert is logged and the broker still
   * gets the refusal: recording must never turn a 4xx into a 500, which the broker would retry as our fault. */
  async function refuse(c: Context, refusal: Refusal, status: ContentfulStatusCode, answer: Record<string, unknown>) {
    await recordRefusal(services.prisma, refusal).catch((error: unknown) => {
      logger.error(
        { err: error, brokerId: refusal.brokerId, code: refusal.code },
        "refused execution webhook not recorded",
      );
    });
    return c.json(answer, status);
  }

  // The transport's mode and each topic's lag (see transportHealth); 200 in either mode: polling is a working state.
  // Open invariant violations make it degraded (`ok: false`), still 200: the process itself is up and serving, and
  // whatever waits for the worker to start (npm start, the tests) reads the status code.
  app.get("/health", async (c) => {
    const invariants = await invariantsHealth(services.prisma);
    return c.json({
      ok: invariants.ok,
      ...(transport ? { transport: await transportHealth(services.prisma, transport) } : {}),
      invariants,
    });
  });
  app.post("/brokers/:brokerId/executions", async (c) => {
    const brokerId = c.req.param("brokerId");
    const rawBody = await c.req.text();
    const secret = secrets.get(brokerId);
    if (!secret) {
      logger.warn({ brokerId }, "execution webhook refused: unknown broker");
      const reason = `unknown broker ${brokerId}`;
      return refuse(c, { brokerId, code: "UNKNOWN_BROKER", reason, rawBody, ...claimedIds(safeJson(rawBody)) }, 404, {
        error: reason,
      });
    }
    const verdict = verifyWebhook({
      secret,
      rawBody,
      timestamp: c.req.header(WEBHOOK_TIMESTAMP_HEADER),
      signature: c.req.header(WEBHOOK_SIGNATURE_HEADER),
    });
    if (!verdict.ok) {
      logger.warn({ brokerId, reason: verdict.reason }, "execution webhook refused: signature");
      const reason = `signature refused: ${verdict.reason}`;
      return refuse(c, { brokerId, code: "SIGNATURE", reason, rawBody, ...claimedIds(safeJson(rawBody)) }, 401, {
        error: reason,
      });
    }
    const body = safeJson(rawBody);
    const parsed = ZExecutionWebhook.safeParse(body);
    if (!parsed.success) {
      logger.warn(
        { brokerId, issues: parsed.error.issues, rawBody: rawBody.slice(0, 2000) },
        "execution webhook refused: malformed",
      );
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      const reason =
        body === undefined ? "malformed execution: the body is not JSON" : `malformed execution: ${issues.join("; ")}`;
      return refuse(c, { brokerId, code: "MALFORMED", reason, rawBody, ...claimedIds(body) }, 400, {
        error: "malformed execution",
        issues,
      });
    }
    try {
      const result = await storeExecution(services.prisma, brokerId, parsed.data);
      return c.json(
        result.stored
          ? { status: "stored", receiptId: result.receiptId }
          : { status: "duplicate", receiptId: result.duplicateOf },
      );
    } catch (error) {
      if (error instanceof DomainError) {
        logger.warn({ brokerId, execId: parsed.data.execId, reason: error.message }, "execution webhook refused");
        const refusal = {
          brokerId,
          code: refusalCodeOf(error),
          reason: error.message,
          rawBody,
          execId: parsed.data.execId,
          orderId: parsed.data.clientOrderId,
        };
        return refuse(c, refusal, error.code === "NOT_FOUND" ? 404 : 422, { error: error.message });
      }
      throw error;
    }
  });
  // The fee points service's sweep asks how a reservation it still holds ended (tcc/feePoints.ts answerOutcome).
  app.post("/tcc/outcome", async (c) => {
    const answer = await handleOutcomeRequest(services, c.req.header("authorization"), await c.req.text());
    return c.json(answer.body as object, answer.status);
  });
  return app;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function startReceiver(
  services: CoreServices,
  port: number,
  transport?: Pick<Transport, "status">,
): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: createReceiverApp(services, transport).fetch, port, hostname: "127.0.0.1" }, () =>
      resolve(server),
    );
  });
}
