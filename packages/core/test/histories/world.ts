// One history's world: a fresh funded account on the shared test database, core services wired to a fresh model
// broker, and the pieces of the transport and the clock that a history drives by hand. Histories share the database
// but nothing else: every query here is scoped to the history's own account and orders.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@meridian/db";
import { EntryCircuit } from "../../src/flow/entry";
import { BrokerRegistry } from "../../src/broker/registry";
import type { RetryPolicy } from "../../src/gateway/retryPolicy";
import { QuoteService } from "../../src/market/quotes";
import { markConsumed } from "../../src/messaging/claims";
import { ORDER_COMMANDS_TOPICS, TOPICS, type OutboxMessage, type Topic } from "../../src/messaging/topics";
import type { AccountRef, CoreServices } from "../../src/services";
import { dec } from "../../src/shared/money";
import { ModelBroker, type BrokerProfile } from "../modelBroker";
import type { Funding } from "./steps";

// Retries are due at once (no jitter: a replay must take the same path); two attempts before an order goes to the
// operators, so that short histories reach them; the late-arrival window is long enough that only a `timePasses` step
// closes it: time in a history moves by steps, never by the wall clock.
export const HISTORY_RETRY_POLICY: RetryPolicy = { baseMs: 0, capMs: 0, maxAttempts: 2, lateArrivalMs: 60_000 };
/** A SUBMITTING order untouched this long has lost its worker (reviveAbandonedSubmits). */
export const ABANDONED_MS = 60_000;
/** How far one `timePasses` step moves the clock. */
export const TIME_STEP = "2 minutes";

/** What a history's account opens with: plenty, or little enough that holds and debits meet their limits. */
export const OPENING_BALANCES: Record<Funding, { cash: string; points: string; shares: Record<string, string> }> = {
  ample: { cash: "1000000.00", points: "100000", shares: { AAPL: "100", MSFT: "100" } },
  tight: { cash: "1200.00", points: "150", shares: { AAPL: "6", MSFT: "6" } },
};

/** A command whose handler waits for a slow broker answer: its row is claimed until the handler ends. */
export interface InFlight {
  row: OutboxMessage;
  label: string;
  crashBeforeMark: boolean;
  outcome: Promise<"handled" | Error>;
}

export interface World {
  services: CoreServices;
  prisma: PrismaClient;
  broker: ModelBroker;
  account: AccountRef;
  /** What the account opened with (OPENING_BALANCES). */
  funding: Funding;
  /** Order ids by slot, in the order they were placed. */
  orders: string[];
  /** Handlers waiting for a slow answer, by order id. */
  inFlight: Map<string, InFlight>;
  /** Executions the webhook has delivered at least once. */
  deliveredExecIds: Set<string>;
  /** Errors a step was not expected to meet: each one fails the history. */
  unexpected: string[];
  /** The last error each still-owed outbox row met, for the report. */
  rowErrors: Map<string, string>;
  /** What each step did, for the report of a failing history. */
  trace: string[];
}

export async function openWorld(base: CoreServices, profile: BrokerProfile, funding: Funding): Promise<World> {
  const account = await openAccount(base.prisma, OPENING_BALANCES[funding]);
  await base.points.credit(account.accountNo, {
    key: `opening:${account.accountNo}`,
    points: OPENING_BALANCES[funding].points,
    reason: "history opening balance",
  });
  const broker = new ModelBroker(profile, account.accountNo);
  const brokers = new BrokerRegistry([broker], { defaultBrokerIds: [broker.brokerId], bySymbol: {} });
  const quotes = new QuoteService(brokers);
  const services: CoreServices = {
    ...base,
    brokers,
    quotes,
    // New orders are routed among this world's brokers: the base's entry circuit knows only its own.
    entry: new EntryCircuit({ circuits: base.flow.circuits, brokers, quotes, settings: base.config.brokers.entry }),
    retryPolicy: HISTORY_RETRY_POLICY,
  };
  return {
    services,
    prisma: base.prisma,
    broker,
    account,
    funding,
    orders: [],
    inFlight: new Map(),
    deliveredExecIds: new Set(),
    unexpected: [],
    rowErrors: new Map(),
    trace: [],
  };
}

/**
 * A customer with cash and shares, each booked through a ledger entry so balances equal their entries (the points are
 * credited at the points service by openWorld).
 */
async function openAccount(prisma: PrismaClient, opening: (typeof OPENING_BALANCES)[Funding]): Promise<AccountRef> {
  const suffix = randomUUID().slice(0, 12);
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: `history-${suffix}@test.meridian`, name: "Model History", passwordHash: "x" },
    });
    const account = await tx.account.create({ data: { accountNo: `H-${suffix}`, userId: user.id } });
    await tx.cashBalance.create({ data: { accountId: account.id, currency: "USD", available: dec(opening.cash) } });
    await tx.ledgerEntry.createMany({
      data: [
        { accountId: account.id, asset: "USD", amount: dec(opening.cash), kind: "DEPOSIT" },
        ...Object.entries(opening.shares).map(([symbol, quantity]) => ({
          accountId: account.id,
          asset: symbol,
          amount: dec(quantity),
          kind: "TRANSFER_IN",
        })),
      ],
    });
    await tx.holding.createMany({
      data: Object.entries(opening.shares).map(([symbol, quantity]) => ({
        accountId: account.id,
        symbol,
        quantity: dec(quantity),
        costBasis: dec(quantity).times(90),
      })),
    });
    return { id: account.id, accountNo: account.accountNo };
  });
}

export function orderAt(world: World, slot: number): string | null {
  return world.orders.length ? world.orders[slot % world.orders.length]! : null;
}

/**
 * The oldest unconsumed row of `topic` for one order: what the transport hands a consumer next for that key (both
 * transports deliver one key's rows one at a time, in order, and keep a row whose handler failed).
 */
export async function headRow(prisma: PrismaClient, topic: Topic, orderId: string): Promise<OutboxMessage | null> {
  const rows = await prisma.$queryRaw<OutboxMessage[]>`
    SELECT id, topic, key, event_type AS "eventType", payload FROM outbox_events
     WHERE topic = ${topic} AND key = ${orderId} AND consumed_at IS NULL ORDER BY seq LIMIT 1`;
  return rows[0] ?? null;
}

export async function consumed(prisma: PrismaClient, row: OutboxMessage): Promise<void> {
  await markConsumed(prisma, row.id, "polling");
}

export async function owedRows(world: World): Promise<{ id: string; topic: string; key: string; eventType: string }[]> {
  if (!world.orders.length) return [];
  return world.prisma.$queryRaw`
    SELECT id, topic, key, event_type AS "eventType" FROM outbox_events
     WHERE key = ANY(${world.orders}) AND consumed_at IS NULL AND topic = ANY(${[...ORDER_COMMANDS_TOPICS, TOPICS.executions]})
     ORDER BY seq`;
}

/**
 * Moves this history's clock forward by TIME_STEP: every timestamp the system reads a duration from (the timeline's
 * attempt events, an order's last change and next retry, a reservation's deadline) moves back by it. Requests still
 * on the wire are lost: the step is longer than the late-arrival window.
 */
export async function letTimePass(world: World): Promise<void> {
  world.broker.loseLateRequests();
  const { prisma, orders } = world;
  if (!orders.length) return;
  // By order id, so each statement reads its index rather than the tables every earlier history has grown.
  await prisma.$executeRaw`UPDATE order_events SET created_at = created_at - ${TIME_STEP}::interval WHERE order_id = ANY(${orders}::uuid[])`;
  await prisma.$executeRaw`
    UPDATE orders SET updated_at = updated_at - ${TIME_STEP}::interval, next_attempt_at = next_attempt_at - ${TIME_STEP}::interval
     WHERE id = ANY(${orders}::uuid[])`;
  await prisma.$executeRaw`UPDATE tcc_transactions SET deadline = deadline - ${TIME_STEP}::interval WHERE order_id = ANY(${orders}::uuid[])`;
}

/**
 * The reservation deadlines of this history's open reservations are past (recovery may now settle or escalate them).
 */
export async function forceDeadlinesPast(world: World): Promise<void> {
  await world.prisma.$executeRaw`
    UPDATE tcc_transactions SET deadline = now() - interval '1 second'
     WHERE status = 'TRYING' AND deadline > now() AND order_id = ANY(${world.orders}::uuid[])`;
}

/** Everything a refused request must leave as it was: the account's orders, balances and reservations. */
export async function accountState(world: World): Promise<string> {
  const { prisma, account } = world;
  const [orders, cash, holdings, points, reservations, outbox, branches] = await Promise.all([
    prisma.order.findMany({
      where: { accountId: account.id },
      select: { id: true, status: true, version: true },
      orderBy: { createdAt: "asc" },
    }),
    prisma.cashBalance.findMany({ where: { accountId: account.id }, select: { version: true } }),
    prisma.holding.findMany({
      where: { accountId: account.id },
      select: { symbol: true, version: true },
      orderBy: { symbol: "asc" },
    }),
    world.services.points.balance(account.accountNo),
    prisma.tccTransaction.findMany({
      where: { orderId: { in: world.orders } },
      select: { orderId: true, status: true, version: true },
      orderBy: { orderId: "asc" },
    }),
    // With the topic, the count reads the (topic, key) index instead of the whole outbox, which grows with every
    // history.
    prisma.outboxEvent.count({
      where: { topic: { in: [...ORDER_COMMANDS_TOPICS, TOPICS.executions] }, key: { in: world.orders } },
    }),
    prisma.tccBranch.findMany({
      where: { orderId: { in: world.orders } },
      select: { orderId: true, state: true, spent: true },
      orderBy: { orderId: "asc" },
    }),
  ]);
  return JSON.stringify({ orders, cash, holdings, points, reservations, outbox, branches });
}

/** A fingerprint of both sides, to tell when draining has nothing left to do. */
export async function worldState(world: World): Promise<string> {
  const owed = await owedRows(world);
  return `${await accountState(world)}|${owed.map((row) => row.id).join(",")}|${world.broker.state()}|${world.deliveredExecIds.size}`;
}
