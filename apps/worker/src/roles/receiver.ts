// The receiver role: the webhook brokers push executions to. Signature first, then shape, then store; the broker is
// acknowledged only after the receipt is committed, so an execution we answered 200 for is never lost.
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { DomainError, storeExecution, transportHealth, ZBrokerExecution, type CoreServices, type Transport } from "@meridian/core";
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSecretFor } from "@meridian/core/broker";

export function createReceiverApp(services: CoreServices, env: NodeJS.ProcessEnv = process.env, transport?: Pick<Transport, "status">): Hono {
  const { logger } = services;
  const secrets = new Map(services.brokers.all().map((broker) => [broker.brokerId, webhookSecretFor(broker.brokerId, env)]));
  const app = new Hono();
  // The transport's mode and each topic's lag (see transportHealth); 200 in either mode: polling is a working state.
  app.get("/health", async (c) => c.json(transport ? { ok: true, transport: await transportHealth(services.prisma, transport) } : { ok: true }));
  app.post("/brokers/:brokerId/executions", async (c) => {
    const brokerId = c.req.param("brokerId");
    const secret = secrets.get(brokerId);
    if (!secret) return c.json({ error: `unknown broker ${brokerId}` }, 404);
    const rawBody = await c.req.text();
    const verdict = verifyWebhook({ secret, rawBody, timestamp: c.req.header(WEBHOOK_TIMESTAMP_HEADER), signature: c.req.header(WEBHOOK_SIGNATURE_HEADER) });
    if (!verdict.ok) {
      logger.warn({ brokerId, reason: verdict.reason }, "execution webhook refused: signature");
      return c.json({ error: `signature refused: ${verdict.reason}` }, 401);
    }
    const parsed = ZBrokerExecution.safeParse(safeJson(rawBody));
    if (!parsed.success) {
      logger.warn({ brokerId, issues: parsed.error.issues, rawBody: rawBody.slice(0, 2000) }, "execution webhook refused: malformed");
      return c.json({ error: "malformed execution", issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) }, 400);
    }
    try {
      const result = await storeExecution(services.prisma, brokerId, parsed.data);
      return c.json(result.stored ? { status: "stored", receiptId: result.receiptId } : { status: "duplicate", receiptId: result.duplicateOf });
    } catch (error) {
      if (error instanceof DomainError) {
        logger.warn({ brokerId, execId: parsed.data.execId, reason: error.message }, "execution webhook refused");
        return c.json({ error: error.message }, error.code === "NOT_FOUND" ? 404 : 422);
      }
      throw error;
    }
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

export function startReceiver(services: CoreServices, port: number, env: NodeJS.ProcessEnv = process.env, transport?: Pick<Transport, "status">): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: createReceiverApp(services, env, transport).fetch, port, hostname: "127.0.0.1" }, () => resolve(server));
  });
}
