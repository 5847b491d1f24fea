// The operators' Quarantine: every broker callback the receiver refused, and every stored execution the ledger
// refused (overfill, or after the order closed), in one list, newest first. Read-only.
import type { PrismaClient } from "@meridian/db";
import { QUARANTINE_DEFAULT_LIMIT, type TQuarantineInput } from "./quarantine.schema";
import type { RefusalCode } from "./refusals";

export const LEDGER_REFUSAL_KIND = "EXECUTION_REFUSED";

export interface QuarantineEntry {
  /** Unique across both sources, e.g. "callback:12" or "event:345". */
  key: string;
  /** RECEIVER: refused at the webhook, never stored. LEDGER: stored, then refused by the ledger. */
  source: "RECEIVER" | "LEDGER";
  at: string;
  brokerId: string;
  reasonCode: RefusalCode | typeof LEDGER_REFUSAL_KIND;
  reason: string;
  execId: string | null;
  /** The order id the callback claimed (any text) or the ledger's order. */
  orderId: string | null;
  /** Whether orderId names one of our orders, so the console links to it only then. */
  orderExists: boolean;
  accountNo: string | null;
  symbol: string | null;
  quantity: string | null;
  price: string | null;
  /** The callback's body as received (cut to a few KB); null for ledger refusals. */
  body: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listQuarantine(prisma: PrismaClient, input: TQuarantineInput = {}): Promise<QuarantineEntry[]> {
  const limit = input.limit ?? QUARANTINE_DEFAULT_LIMIT;
  const [callbacks, executions] = await Promise.all([refusedCallbacks(prisma, input.brokerId, limit), refusedExecutions(prisma, input.brokerId, limit)]);
  return [...callbacks, ...executions].sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key, "en", { numeric: true })).slice(0, limit);
}

async function refusedCallbacks(prisma: PrismaClient, brokerId: string | undefined, limit: number): Promise<QuarantineEntry[]> {
  const rows = await prisma.refusedCallback.findMany({ where: { brokerId }, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], take: limit });
  // A claimed order id is untrusted text: only well-formed ids are looked up (the column is a uuid).
  const claimed = [...new Set(rows.map((row) => row.orderId).filter((id): id is string => id !== null && UUID.test(id)))];
  const orders = await prisma.order.findMany({ where: { id: { in: claimed } }, select: { id: true, symbol: true, account: { select: { accountNo: true } } } });
  const ordersById = new Map(orders.map((order) => [order.id, order]));
  return rows.map((row) => {
    const order = row.orderId ? ordersById.get(row.orderId.toLowerCase()) : undefined;
    return {
      key: `callback:${row.id}`,
      source: "RECEIVER",
      at: row.receivedAt.toISOString(),
      brokerId: row.brokerId,
      reasonCode: row.reasonCode as RefusalCode,
      reason: row.reason,
      execId: row.execId,
      orderId: order?.id ?? row.orderId,
      orderExists: order !== undefined,
      accountNo: order?.account.accountNo ?? null,
      symbol: order?.symbol ?? null,
      quantity: null,
      price: null,
      body: row.body,
    };
  });
}

async function refusedExecutions(prisma: PrismaClient, brokerId: string | undefined, limit: number): Promise<QuarantineEntry[]> {
  const events = await prisma.orderEvent.findMany({
    where: { kind: LEDGER_REFUSAL_KIND, ...(brokerId ? { order: { brokerId } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { order: { select: { brokerId: true, symbol: true, account: { select: { accountNo: true } } } } },
  });
  return events.map((event) => {
    // Written by applyExecution: { receiptId, execId, quantity, price }, decimals as strings.
    const detail = (event.detail ?? {}) as { execId?: string; quantity?: string; price?: string };
    return {
      key: `event:${event.id}`,
      source: "LEDGER",
      at: event.createdAt.toISOString(),
      brokerId: event.order.brokerId,
      reasonCode: LEDGER_REFUSAL_KIND,
      reason: event.cause,
      execId: detail.execId ?? null,
      orderId: event.orderId,
      orderExists: true,
      accountNo: event.order.account.accountNo,
      symbol: event.order.symbol,
      quantity: detail.quantity ?? null,
      price: detail.price ?? null,
      body: null,
    };
  });
}
