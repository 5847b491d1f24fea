// What the console reads: runs with their counts, and items with the facts of each side. Plain shapes only: decimals
// as strings, dates as ISO-8601 strings (documented in docs/reconciliation.md).
import type { Prisma, PrismaClient, ReconFix, ReconItemStatus, ReconMismatchClass } from "@meridian/db";
import { DomainError } from "../shared/errors";
import type { BrokerSide, ExecutionSide, OurSide } from "./compare";
import type { TReconItemsInput, TReconRunsInput } from "./recon.schema";

export const MISMATCH_CLASSES = [
  "MISSING_AT_BROKER",
  "MISSING_HERE",
  "QUANTITY",
  "PRICE",
  "STATUS",
  "MISSING_EXECUTION",
] as const satisfies readonly ReconMismatchClass[];
export const ITEM_STATUSES = [
  "PROPOSED",
  "AUTO_APPLIED",
  "APPLIED",
  "REJECTED",
  "SUPERSEDED",
] as const satisfies readonly ReconItemStatus[];

export const FIX_DESCRIPTIONS: Record<ReconFix, string> = {
  INGEST_EXECUTION: "Ingest the broker's execution through the receiver (receipt → ledger, exactly once).",
  CLOSE_CANCELLED: "Close our order as CANCELLED and release everything it still holds.",
  CLOSE_REJECTED: "Close our order as REJECTED and release everything it holds.",
  MARK_ACCEPTED: "Mark our order ACCEPTED (the broker has it) and confirm its reservation.",
  ACKNOWLEDGE: "Acknowledge only: no automatic fix is safe; settle it with the broker by hand.",
};

export interface ReconRunView {
  id: string;
  brokerId: string;
  windowStart: string;
  windowEnd: string;
  triggeredBy: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  ordersCompared: number;
  ordersInFlight: number;
  mismatches: number;
  autoApplied: number;
  /** Items of this run by class; every class is present (0 when none). */
  countsByClass: Record<ReconMismatchClass, number>;
  /** Items of this run by status now (decisions change it); every status is present. */
  countsByStatus: Record<ReconItemStatus, number>;
}

export interface ReconItemDetail {
  summary: string;
  ours: OurSide | null;
  broker: BrokerSide | null;
  execution: ExecutionSide | null;
  /** For MISSING_EXECUTION: what the automatic ingestion did. */
  ingest: { receiptId: string; duplicate: boolean } | { refused: string } | null;
}

export interface ReconItemView {
  id: string;
  runId: string;
  brokerId: string;
  class: ReconMismatchClass;
  orderId: string | null;
  accountNo: string | null;
  clientOrderId: string;
  execId: string | null;
  summary: string;
  proposedFix: ReconFix;
  fixDescription: string;
  status: ReconItemStatus;
  detail: ReconItemDetail;
  decidedBy: string | null;
  reason: string | null;
  decidedAt: string | null;
  createdAt: string;
  version: number;
}

type RunRow = Prisma.ReconRunGetPayload<object>;
type ItemRow = Prisma.ReconItemGetPayload<object>;

export async function getReconRun(prisma: PrismaClient, runId: string): Promise<ReconRunView> {
  const run = await prisma.reconRun.findUnique({ where: { id: runId } });
  if (!run) throw new DomainError("NOT_FOUND", "No reconciliation run with that id.");
  return (await withCounts(prisma, [run]))[0]!;
}

export async function listReconRuns(prisma: PrismaClient, filter: TReconRunsInput = {}): Promise<ReconRunView[]> {
  const runs = await prisma.reconRun.findMany({
    where: filter.brokerId ? { brokerId: filter.brokerId } : {},
    orderBy: { startedAt: "desc" },
    take: filter.limit ?? 50,
  });
  return withCounts(prisma, runs);
}

export async function listReconItems(prisma: PrismaClient, filter: TReconItemsInput = {}): Promise<ReconItemView[]> {
  const items = await prisma.reconItem.findMany({
    where: {
      ...(filter.runId ? { runId: filter.runId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.class ? { mismatchClass: filter.class } : {}),
      ...(filter.brokerId ? { brokerId: filter.brokerId } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: filter.limit ?? 500,
  });
  return withAccounts(prisma, items);
}

export async function getReconItem(prisma: PrismaClient, itemId: string): Promise<ReconItemView> {
  const item = await prisma.reconItem.findUnique({ where: { id: itemId } });
  if (!item) throw new DomainError("NOT_FOUND", "No reconciliation item with that id. Refresh the report.");
  return (await withAccounts(prisma, [item]))[0]!;
}

async function withCounts(prisma: PrismaClient, runs: RunRow[]): Promise<ReconRunView[]> {
  const groups = await prisma.reconItem.groupBy({
    by: ["runId", "mismatchClass", "status"],
    where: { runId: { in: runs.map((run) => run.id) } },
    _count: { _all: true },
  });
  return runs.map((run) => {
    const countsByClass = Object.fromEntries(MISMATCH_CLASSES.map((name) => [name, 0])) as Record<
      ReconMismatchClass,
      number
    >;
    const countsByStatus = Object.fromEntries(ITEM_STATUSES.map((name) => [name, 0])) as Record<
      ReconItemStatus,
      number
    >;
    for (const group of groups.filter((candidate) => candidate.runId === run.id)) {
      countsByClass[group.mismatchClass] += group._count._all;
      countsByStatus[group.status] += group._count._all;
    }
    return {
      id: run.id,
      brokerId: run.brokerId,
      windowStart: run.windowStart.toISOString(),
      windowEnd: run.windowEnd.toISOString(),
      triggeredBy: run.triggeredBy,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      error: run.error,
      ordersCompared: run.ordersCompared,
      ordersInFlight: run.ordersInFlight,
      mismatches: run.mismatches,
      autoApplied: run.autoApplied,
      countsByClass,
      countsByStatus,
    };
  });
}

async function withAccounts(prisma: PrismaClient, items: ItemRow[]): Promise<ReconItemView[]> {
  const orderIds = [...new Set(items.map((item) => item.orderId).filter((id): id is string => !!id))];
  const orders = await prisma.order.findMany({
    where: { id: { in: orderIds } },
    select: { id: true, account: { select: { accountNo: true } } },
  });
  const accountNoOf = new Map(orders.map((order) => [order.id, order.account.accountNo]));
  return items.map((item) => toItemView(item, item.orderId ? (accountNoOf.get(item.orderId) ?? null) : null));
}

function toItemView(item: ItemRow, accountNo: string | null): ReconItemView {
  const detail = item.detail as unknown as ReconItemDetail;
  return {
    id: item.id,
    runId: item.runId,
    brokerId: item.brokerId,
    class: item.mismatchClass,
    orderId: item.orderId,
    accountNo,
    clientOrderId: item.clientOrderId,
    execId: item.execId,
    summary: detail.summary,
    proposedFix: item.proposedFix,
    fixDescription: FIX_DESCRIPTIONS[item.proposedFix],
    status: item.status,
    detail,
    decidedBy: item.decidedBy,
    reason: item.reason,
    decidedAt: item.decidedAt?.toISOString() ?? null,
    createdAt: item.createdAt.toISOString(),
    version: item.version,
  };
}
