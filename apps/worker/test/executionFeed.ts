// Orders that only the caller's executions fill, and those executions sent as a broker sends them (signed webhooks,
// some twice, shuffled). Shared by the Kafka suites and bench/pipeline.ts, so it must not import vitest.
import { signWebhook } from "@meridian/core/broker";
import type { AccountRef } from "@meridian/core";
import type { Order } from "@meridian/db";
import { createFundedAccount } from "./accounts";
import { waitUntil, type TestSystem } from "./system";

/** A deterministic shuffle (mulberry32), so a failing order of deliveries can be replayed from the seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const SYMBOLS = { atlas: ["AAPL", "MSFT", "AMZN"], harbor: ["TSLA", "NVDA"] } as const;

/**
 * `count` limit buys of `quantity` shares at $10 spread over fresh accounts and both brokers. The brokers' quotes are
 * pinned far above the limit, so the simulator never fills them: every execution comes from the test.
 */
export async function placeRestingOrders(
  system: TestSystem,
  count: number,
  quantity: number,
  tag: string,
): Promise<Order[]> {
  for (const [brokerId, symbols] of Object.entries(SYMBOLS)) {
    for (const symbol of symbols)
      await system.broker(brokerId, `/quotes/${symbol}`, { method: "POST", body: JSON.stringify({ last: "400.00" }) });
  }
  const accounts: AccountRef[] = [];
  for (let i = 0; i < Math.min(count, 8); i++) {
    accounts.push(
      await createFundedAccount(system.db.prisma, `K-${tag}-${i}`, { cash: "100000.00", points: "0", holdings: {} }),
    );
  }
  const symbols = [...SYMBOLS.atlas, ...SYMBOLS.harbor];
  const placed: Order[] = [];
  for (let i = 0; i < count; i++) {
    placed.push(
      await system.place(accounts[i % accounts.length]!, {
        symbol: symbols[i % symbols.length],
        side: "BUY",
        type: "LIMIT",
        quantity: String(quantity),
        limitPrice: "10.00",
      }),
    );
  }
  return waitForOrders(system, placed, ["ACCEPTED"], 120_000, "orders accepted by their brokers");
}

export async function waitForOrders(
  system: TestSystem,
  orders: Order[],
  statuses: string[],
  timeoutMs: number,
  what: string,
): Promise<Order[]> {
  const ids = orders.map((order) => order.id);
  await waitUntil(
    async () =>
      (await system.db.prisma.order.count({
        where: { id: { in: ids }, status: { in: statuses as Order["status"][] } },
      })) === ids.length,
    timeoutMs,
    what,
  );
  return system.db.prisma.order.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: "asc" } });
}

export interface BrokerExecutionCall {
  brokerId: string;
  body: string;
  execId: string;
  orderId: string;
  quantity: number;
}

/**
 * One execution of one share per share of each order, at $9.00–$10.00. Execution ids restart at 1 for every broker,
 * so atlas and harbor send the same ids: the receiver's (broker, execId) key must keep them apart.
 */
export function executionsFor(orders: Order[], random: () => number, idPrefix = "EX"): BrokerExecutionCall[] {
  const sequence = new Map<string, number>();
  const calls: BrokerExecutionCall[] = [];
  for (const order of orders) {
    for (let share = 0; share < order.quantity.toNumber(); share++) {
      const next = (sequence.get(order.brokerId) ?? 0) + 1;
      sequence.set(order.brokerId, next);
      const execId = `${idPrefix}-${next}`;
      const body = JSON.stringify({
        execId,
        clientOrderId: order.id,
        brokerOrderId: order.brokerOrderId,
        symbol: order.symbol,
        side: order.side,
        quantity: "1",
        price: (9 + Math.floor(random() * 100) / 100).toFixed(2),
        executedAt: new Date().toISOString(),
      });
      calls.push({ brokerId: order.brokerId, body, execId, orderId: order.id, quantity: 1 });
    }
  }
  return calls;
}

/** The deliveries a lossy broker makes: every execution, `rate` of them twice, all in shuffled order. */
export function withDuplicates(
  calls: BrokerExecutionCall[],
  rate: number,
  random: () => number,
): BrokerExecutionCall[] {
  const duplicates = shuffle(calls, random).slice(0, Math.round(calls.length * rate));
  return shuffle([...calls, ...duplicates], random);
}

/** POSTs each call as the broker would (signed), `concurrency` at a time; counts stored and duplicate answers. */
export async function deliverExecutions(
  system: TestSystem,
  calls: BrokerExecutionCall[],
  concurrency = 8,
): Promise<{ stored: number; duplicate: number }> {
  const counts = { stored: 0, duplicate: 0 };
  let next = 0;
  const sendOne = async (call: BrokerExecutionCall) => {
    const timestamp = String(Date.now());
    const secret = system.env[`BROKER_WEBHOOK_SECRET_${call.brokerId.toUpperCase()}`]!;
    const response = await fetch(`${system.receiverUrl}/brokers/${call.brokerId}/executions`, {
      method: "POST",
      body: call.body,
      headers: {
        "content-type": "application/json",
        "x-meridian-timestamp": timestamp,
        "x-meridian-signature": signWebhook(secret, timestamp, call.body),
      },
    });
    const answer = (await response.json()) as { status?: string; error?: string };
    if (!response.ok)
      throw new Error(`receiver refused ${call.brokerId}/${call.execId}: ${response.status} ${answer.error}`);
    counts[answer.status === "stored" ? "stored" : "duplicate"]++;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls.length) await sendOne(calls[next++]!);
    }),
  );
  return counts;
}

export async function transportMode(system: TestSystem): Promise<string | undefined> {
  const health = (await (await fetch(`${system.receiverUrl}/health`)).json()) as { transport?: { mode: string } };
  return health.transport?.mode;
}

export function waitForMode(system: TestSystem, mode: "kafka" | "polling", timeoutMs: number): Promise<void> {
  return waitUntil(
    async () => (await transportMode(system)) === mode,
    timeoutMs,
    `transport mode ${mode} on GET /health`,
  );
}
