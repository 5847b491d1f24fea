// The receiver against a real database: every refused webhook answers its refusal status, leaves the books exactly as
// they were, and is kept in refused_callbacks with its reason for the operators' Quarantine; a valid one is stored and
// quarantines nothing. An execution the ledger refuses (overfill) shows in the same Quarantine.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Hono } from "hono";
import { pino } from "pino";
import {
  applyExecution,
  createCoreServices,
  listQuarantine,
  placeOrder,
  ZPlaceOrderInput,
  type CoreServices,
  type RefusalCode,
} from "@meridian/core";
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from "@meridian/core/broker";
import type { Order, PrismaClient } from "@meridian/db";
import { createTestDatabase, type TestDatabase } from "@meridian/db/testing";
import { createReceiverApp } from "./receiver";

const env: NodeJS.ProcessEnv = {
  // No broker is called here; an unreachable address makes any accidental call fail loudly.
  BROKER_URL: "http://127.0.0.1:9",
  BROKER_WEBHOOK_SECRET_ATLAS: randomBytes(16).toString("hex"),
  BROKER_WEBHOOK_SECRET_HARBOR: randomBytes(16).toString("hex"),
};

/** Everything a refused webhook must leave alone: stored executions, the outbox, ledger entries, balances, orders. */
async function books(prisma: PrismaClient) {
  const [receipts, outbox, entries, cash, holdings, orders] = await Promise.all([
    prisma.executionReceipt.count(),
    prisma.outboxEvent.count(),
    prisma.ledgerEntry.count(),
    prisma.cashBalance.findMany({ orderBy: [{ accountId: "asc" }, { currency: "asc" }] }),
    prisma.holding.findMany({ orderBy: [{ accountId: "asc" }, { symbol: "asc" }] }),
    prisma.order.findMany({
      orderBy: { id: "asc" },
      select: { id: true, status: true, filledQuantity: true, version: true },
    }),
  ]);
  return JSON.stringify({ receipts, outbox, entries, cash, holdings, orders });
}

describe("receiver: refused webhooks go to the quarantine, the ledger unchanged", () => {
  let db: TestDatabase;
  let services: CoreServices;
  let app: Hono;
  let order: Order;

  function execution(overrides: Record<string, unknown> = {}) {
    return {
      execId: `E-${randomBytes(4).toString("hex")}`,
      clientOrderId: order.id,
      brokerOrderId: "B-1",
      symbol: order.symbol,
      side: order.side,
      quantity: "1",
      price: "10.00",
      executedAt: new Date().toISOString(),
      ...overrides,
    };
  }

  async function post(
    brokerId: string,
    body: string,
    secret: string | null = env[`BROKER_WEBHOOK_SECRET_${brokerId.toUpperCase()}`] ?? null,
  ): Promise<Response> {
    const timestamp = String(Date.now());
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (secret !== null)
      Object.assign(headers, {
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
      });
    return await app.request(`/brokers/${brokerId}/executions`, { method: "POST", body, headers });
  }

  const newestRefusal = () => db.prisma.refusedCallback.findFirst({ orderBy: { id: "desc" } });

  beforeAll(async () => {
    db = await createTestDatabase();
    services = { ...createCoreServices({ env, prisma: db.prisma }), logger: pino({ level: "silent" }) };
    app = createReceiverApp(services);
    const account = await db.prisma.account.findFirstOrThrow({ where: { user: { email: "alice@demo.meridian" } } });
    // A limit order needs no quote; it is never submitted here (no gateway runs), which the receiver does not care
    // about.
    order = await placeOrder({
      ctx: { services, account: { id: account.id, accountNo: account.accountNo }, actor: "test" },
      input: ZPlaceOrderInput.parse({ symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "10.00" }),
    });
    expect(order.brokerId).toBe("atlas");
  });
  afterAll(async () => {
    await services?.lock.close();
    await services?.flow.close();
    await db?.drop();
  });

  const refusals: {
    name: string;
    send: () => Promise<Response>;
    status: number;
    code: RefusalCode;
    reason: RegExp;
    claimsOrder: boolean;
  }[] = [
    {
      name: "a wrong signature",
      send: () => post("atlas", JSON.stringify(execution()), "not-the-secret"),
      status: 401,
      code: "SIGNATURE",
      reason: /signature mismatch/,
      claimsOrder: true,
    },
    {
      name: "no signature",
      send: () => post("atlas", JSON.stringify(execution()), null),
      status: 401,
      code: "SIGNATURE",
      reason: /missing x-meridian-timestamp/,
      claimsOrder: true,
    },
    {
      name: "a negative quantity",
      send: () => post("atlas", JSON.stringify(execution({ quantity: "-1" }))),
      status: 400,
      code: "MALFORMED",
      reason: /quantity/,
      claimsOrder: true,
    },
    {
      name: "a zero quantity",
      send: () => post("atlas", JSON.stringify(execution({ quantity: "0" }))),
      status: 400,
      code: "MALFORMED",
      reason: /quantity: must be greater than zero/,
      claimsOrder: true,
    },
    {
      name: "a body that is not JSON",
      send: () => post("atlas", "{not json"),
      status: 400,
      code: "MALFORMED",
      reason: /not JSON/,
      claimsOrder: false,
    },
    {
      name: "an unknown order id",
      send: () => post("atlas", JSON.stringify(execution({ clientOrderId: crypto.randomUUID() }))),
      status: 404,
      code: "UNKNOWN_ORDER",
      reason: /no order .* was sent to atlas/,
      claimsOrder: true,
    },
    {
      name: "an order sent to another broker",
      send: () => post("harbor", JSON.stringify(execution())),
      status: 404,
      code: "UNKNOWN_ORDER",
      reason: /was sent to harbor/,
      claimsOrder: true,
    },
    {
      name: "a side that does not match the order",
      send: () => post("atlas", JSON.stringify(execution({ side: "SELL" }))),
      status: 422,
      code: "MISMATCH",
      reason: /the order is BUY AAPL/,
      claimsOrder: true,
    },
    {
      name: "an unknown broker",
      send: () => post("nowhere", JSON.stringify(execution()), "any-secret"),
      status: 404,
      code: "UNKNOWN_BROKER",
      reason: /unknown broker nowhere/,
      claimsOrder: true,
    },
  ];

  it.each(refusals)(
    "refuses $name with $status, records $code, changes nothing",
    async ({ send, status, code, reason, claimsOrder }) => {
      const before = await books(db.prisma);
      const refusedBefore = await db.prisma.refusedCallback.count();
      const response = await send();
      expect(response.status).toBe(status);
      expect(await books(db.prisma)).toBe(before);
      expect(await db.prisma.refusedCallback.count()).toBe(refusedBefore + 1);
      const refused = await newestRefusal();
      expect(refused).toMatchObject({ reasonCode: code, reason: expect.stringMatching(reason) });
      if (claimsOrder) expect(refused!.execId).toMatch(/^E-/);
      expect(refused!.orderId === null).toBe(!claimsOrder);
    },
  );

  it("refuses an execution id already stored with other terms as MISMATCH (422), changing nothing", async () => {
    const first = execution();
    expect((await post("atlas", JSON.stringify(first))).status).toBe(200);
    const before = await books(db.prisma);
    const response = await post("atlas", JSON.stringify({ ...first, quantity: "2" }));
    expect(response.status).toBe(422);
    expect(await books(db.prisma)).toBe(before);
    expect(await newestRefusal()).toMatchObject({
      reasonCode: "MISMATCH",
      execId: first.execId,
      reason: expect.stringMatching(/already used/),
    });
  });

  it("keeps the broker id as given and the order id as claimed, even when neither exists", async () => {
    const claimed = crypto.randomUUID();
    await post("nowhere", JSON.stringify(execution({ clientOrderId: claimed })), "any-secret");
    expect(await newestRefusal()).toMatchObject({ brokerId: "nowhere", orderId: claimed });
  });

  it("stores at most 4 KB of a refused body, and one holding a NUL byte (which Postgres text refuses) is still recorded", async () => {
    const response = await post("atlas", `{"execId":"E-huge",\u0000"pad":"${"x".repeat(10_000)}"}`, "not-the-secret");
    expect(response.status).toBe(401);
    const refused = await newestRefusal();
    expect(refused).toMatchObject({ reasonCode: "SIGNATURE", execId: null });
    expect(refused!.body).toHaveLength(4096);
    expect(refused!.body.startsWith('{"execId":"E-huge","pad":"xxx')).toBe(true);
  });

  it("still answers the refusal when recording it fails, and logs why", async () => {
    const failing = new Proxy(db.prisma, {
      get: (target, property) =>
        property === "refusedCallback"
          ? { create: () => Promise.reject(new Error("disk full")) }
          : Reflect.get(target, property),
    });
    const logger = pino({ level: "silent" });
    const logged = vi.spyOn(logger, "error");
    const broken = createReceiverApp({ ...services, prisma: failing, logger });
    const before = await db.prisma.refusedCallback.count();
    const response = await broken.request("/brokers/atlas/executions", {
      method: "POST",
      body: JSON.stringify(execution()),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/signature refused/) });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ code: "SIGNATURE", brokerId: "atlas" }),
      "refused execution webhook not recorded",
    );
    expect(await db.prisma.refusedCallback.count()).toBe(before);
  });

  it("stores a valid signed execution (receipt and outbox row) and quarantines nothing", async () => {
    const [receipts, outbox, refused] = [
      await db.prisma.executionReceipt.count(),
      await db.prisma.outboxEvent.count(),
      await db.prisma.refusedCallback.count(),
    ];
    const body = execution();
    const response = await post("atlas", JSON.stringify(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "stored" });
    expect(await db.prisma.executionReceipt.count({ where: { brokerId: "atlas", execId: body.execId } })).toBe(1);
    expect(await db.prisma.executionReceipt.count()).toBe(receipts + 1);
    expect(await db.prisma.outboxEvent.count()).toBe(outbox + 1);
    expect(await db.prisma.refusedCallback.count()).toBe(refused);
  });

  it("lists an execution the ledger refused as an overfill, beside the refused callbacks, newest first", async () => {
    const overfill = execution({ quantity: "5" });
    const stored = (await (await post("atlas", JSON.stringify(overfill))).json()) as {
      status: string;
      receiptId: string;
    };
    expect(stored.status).toBe("stored");
    const entries = await db.prisma.ledgerEntry.count();
    expect(await applyExecution(services, stored.receiptId)).toBe("refused");
    expect(await db.prisma.ledgerEntry.count()).toBe(entries);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).filledQuantity.toString()).toBe("0");

    const quarantine = await listQuarantine(db.prisma);
    expect(quarantine[0]).toMatchObject({
      source: "LEDGER",
      reasonCode: "EXECUTION_REFUSED",
      brokerId: "atlas",
      orderId: order.id,
      orderExists: true,
      accountNo: "M-100-0001",
      symbol: "AAPL",
      execId: overfill.execId,
      quantity: "5",
      price: "10",
      reason: expect.stringMatching(/would overfill the order \(2 left\)/),
    });
    const receiverCodes = new Set(
      quarantine.filter((entry) => entry.source === "RECEIVER").map((entry) => entry.reasonCode),
    );
    expect([...receiverCodes].sort()).toEqual([
      "MALFORMED",
      "MISMATCH",
      "SIGNATURE",
      "UNKNOWN_BROKER",
      "UNKNOWN_ORDER",
    ]);
    const times = quarantine.map((entry) => entry.at);
    expect(times).toEqual([...times].sort().reverse());
    // A refused callback names our order: linked. An unknown order id is not.
    expect(quarantine.find((entry) => entry.reasonCode === "SIGNATURE" && entry.orderId === order.id)).toMatchObject({
      orderExists: true,
      accountNo: "M-100-0001",
    });
    expect(
      quarantine.find((entry) => entry.reasonCode === "UNKNOWN_ORDER" && entry.brokerId === "atlas"),
    ).toMatchObject({ orderExists: false, accountNo: null });
  });

  it("filters the quarantine by broker and limits it", async () => {
    const harbor = await listQuarantine(db.prisma, { brokerId: "harbor" });
    expect(harbor.length).toBeGreaterThan(0);
    expect(harbor.every((entry) => entry.brokerId === "harbor")).toBe(true);
    expect(
      (await listQuarantine(db.prisma, { brokerId: "nowhere" })).every(
        (entry) => entry.reasonCode === "UNKNOWN_BROKER",
      ),
    ).toBe(true);
    expect(await listQuarantine(db.prisma, { limit: 3 })).toHaveLength(3);
  });
});

// POST /tcc/outcome, which the points service's sweep calls: the bearer first, then the shape; a refused call writes
// nothing. A transaction we have no record of is answered CANCEL, and from then on recorded as presumed aborted.
describe("receiver: the points service's outcome endpoint", () => {
  const secret = randomBytes(24).toString("hex");
  let db: TestDatabase;
  let services: CoreServices;
  let app: Hono;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = {
      ...createCoreServices({ env: { ...env, POINTS_SERVICE_SECRET: secret }, prisma: db.prisma }),
      logger: pino({ level: "silent" }),
    };
    app = createReceiverApp(services);
  });
  afterAll(async () => {
    await services?.lock.close();
    await services?.flow.close();
    await db?.drop();
  });

  const question = () => ({
    transactionId: crypto.randomUUID(),
    branchId: "fee-points",
    accountNo: "M-100-0001",
    points: "11",
  });
  const ask = (body: string, authorization?: string) =>
    app.request("/tcc/outcome", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    });

  it("refuses a caller without the secret, and a malformed question, writing nothing", async () => {
    const body = JSON.stringify(question());
    for (const authorization of [undefined, "Bearer wrong", secret]) {
      const refused = await ask(body, authorization);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: "UNAUTHORIZED", message: expect.stringMatching(/Bearer/) });
    }
    for (const malformed of ["not json", JSON.stringify({ ...question(), transactionId: "42" }), "{}"]) {
      const refused = await ask(malformed, `Bearer ${secret}`);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await db.prisma.tccBranch.count()).toBe(0);
  });

  it("answers CANCEL for a transaction it has no record of, and records it as presumed aborted", async () => {
    const asked = question();
    const answer = await ask(JSON.stringify(asked), `Bearer ${secret}`);
    expect([answer.status, await answer.json()]).toEqual([200, { outcome: "CANCEL" }]);
    const branch = await db.prisma.tccBranch.findFirstOrThrow({ where: { transactionId: asked.transactionId } });
    expect([branch.state, branch.orderId]).toEqual(["CANCELLING", null]);
  });
});
