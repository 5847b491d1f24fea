// The operators' Quarantine: every broker callback the receiver refused, and every stored execution the ledger
// refused (overfill, or after the order closed), in one list, newest first, each with its review if an operator
// gave one (review.ts).
import type { Prisma, PrismaClient } from "@meridian/db";
import {
  QUARANTINE_DEFAULT_LIMIT,
  QUARANTINE_KEY,
  type QuarantineStatus,
  type TQuarantineInput,
} from "./quarantine.schema";
import type { RefusalCode } from "./refusals";

export const LEDGER_REFUSAL_KIND = "EXECUTION_REFUSED";

/** Which table an entry key points into: refused_callbacks ("callback") or order_events ("event"). */
export type QuarantineTable = "callback" | "event";

export function quarantineKey(table: QuarantineTable, id: bigint): string {
  return `${table}:${id}`;
}

/** The table and row id of a key; call only with a key ZQuarantineReviewInput accepted. */
export function parseQuarantineKey(key: string): { table: QuarantineTable; id: bigint } {
  const [, table, id] = key.match(QUARANTINE_KEY) ?? [];
  if (!table || !id) throw new Error(`not a quarantine key: ${key}`);
  return { table: table as QuarantineTable, id: BigInt(id) };
}

export interface QuarantineReviewView {
  /** The reviewing operator's email and name. */
  byEmail: string;
  byName: string;
  at: string;
  reason: string;
}

export const REVIEW_SELECT = {
  reason: true,
  reviewedAt: true,
  reviewer: { select: { email: true, name: true } },
} as const;
type ReviewRow = Prisma.QuarantineReviewGetPayload<{ select: typeof REVIEW_SELECT }>;

export function reviewView(review: ReviewRow): QuarantineReviewView {
  return {
    byEmail: review.reviewer.email,
    byName: review.reviewer.name,
    at: review.reviewedAt.toISOString(),
    reason: review.reason,
  };
}

/** The same filter for both sources: each has an optional one-to-one `review`. */
function reviewFilter(status: QuarantineStatus): { review?: { is: null } | { isNot: null } } {
  if (status === "open") return { review: { is: null } };
  if (status === "reviewed") return { review: { isNot: null } };
  return {};
}

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
  /** Null while the entry is open. */
  review: QuarantineReviewView | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SourceQuery {
  brokerId: string | undefined;
  status: QuarantineStatus;
  limit: number;
}

export async function listQuarantine(prisma: PrismaClient, input: TQuarantineInput = {}): Promise<QuarantineEntry[]> {
  const query = {
    brokerId: input.brokerId,
    status: input.status ?? "all",
    limit: input.limit ?? QUARANTINE_DEFAULT_LIMIT,
  };
  const [callbacks, executions] = await Promise.all([
    refusedCallbacks(prisma, query),
    refusedExecutions(prisma, query),
  ]);
  return [...callbacks, ...executions]
    .sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key, "en", { numeric: true }))
    .slice(0, query.limit);
}

/** How many entries wait for a review: counts only, for the console's badge. */
export async function countOpenQuarantine(prisma: PrismaClient): Promise<number> {
  const open = reviewFilter("open");
  const [callbacks, executions] = await Promise.all([
    prisma.refusedCallback.count({ where: open }),
    prisma.orderEvent.count({ where: { kind: LEDGER_REFUSAL_KIND, ...open } }),
  ]);
  return callbacks + executions;
}

async function refusedCallbacks(
  prisma: PrismaClient,
  { brokerId, status, limit }: SourceQuery,
): Promise<QuarantineEntry[]> {
  const rows = await prisma.refusedCallback.findMany({
    where: { brokerId, ...reviewFilter(status) },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { review: { select: REVIEW_SELECT } },
  });
  // A claimed order id is untrusted text: only well-formed ids are looked up (the column is a uuid).
  const claimed = [
    ...new Set(rows.map((row) => row.orderId).filter((id): id is string => id !== null && UUID.test(id))),
  ];
  const orders = await prisma.order.findMany({
    where: { id: { in: claimed } },
    select: { id: true, symbol: true, account: { select: { accountNo: true } } },
  });
  const ordersById = new Map(orders.map((order) => [order.id, order]));
  return rows.map((row) => {
    const order = row.orderId ? ordersById.get(row.orderId.toLowerCase()) : undefined;
    return {
      key: quarantineKey("callback", row.id),
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
      review: row.review ? reviewView(row.review) : null,
    };
  });
}

async function refusedExecutions(
  prisma: PrismaClient,
  { brokerId, status, limit }: SourceQuery,
): Promise<QuarantineEntry[]> {
  const events = await prisma.orderEvent.findMany({
    where: { kind: LEDGER_REFUSAL_KIND, ...(brokerId ? { order: { brokerId } } : {}), ...reviewFilter(status) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: {
      order: { select: { brokerId: true, symbol: true, account: { select: { accountNo: true } } } },
      review: { select: REVIEW_SELECT },
    },
  });
  return events.map((event) => {
    // Written by applyExecution: { receiptId, execId, quantity, price }, decimals as strings.
    const detail = (event.detail ?? {}) as { execId?: string; quantity?: string; price?: string };
    return {
      key: quarantineKey("event", event.id),
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
      review: event.review ? reviewView(event.review) : null,
    };
  });
}
