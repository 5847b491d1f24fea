import type { OrderStatus, Prisma, PrismaClient } from "@meridian/db";
import type { AccountRef } from "../services";
import { isCashAsset } from "../ledger/debits";
import { DomainError } from "../shared/errors";
import { money, price, qty } from "../shared/money";
import { OPEN_STATUSES } from "./status";
import { toOrderView, type OrderView } from "./views";

export async function listAccountOrders(
  prisma: PrismaClient,
  account: AccountRef,
  input: { scope: "open" | "all"; limit?: number },
): Promise<OrderView[]> {
  const orders = await prisma.order.findMany({
    where: { accountId: account.id, ...(input.scope === "open" ? { status: { in: [...OPEN_STATUSES] } } : {}) },
    orderBy: { createdAt: "desc" },
    take: input.limit ?? 100,
  });
  return orders.map((order) => toOrderView(order, account.accountNo));
}

/** A customer's own order; another customer's id answers exactly like a missing one. */
export async function getAccountOrder(prisma: PrismaClient, account: AccountRef, orderId: string) {
  const order = await prisma.order.findFirst({
    where: { id: orderId, accountId: account.id },
    include: { executions: { orderBy: { executedAt: "asc" } } },
  });
  if (!order) throw new DomainError("NOT_FOUND", "No such order on your account.");
  return { ...toOrderView(order, account.accountNo), executions: order.executions.map(executionView) };
}

function executionView(execution: {
  id: string;
  execId: string;
  brokerId: string;
  quantity: Prisma.Decimal;
  price: Prisma.Decimal;
  executedAt: Date;
  receivedAt: Date;
}) {
  return {
    id: execution.id,
    execId: execution.execId,
    brokerId: execution.brokerId,
    quantity: qty(execution.quantity),
    price: price(execution.price)!,
    executedAt: execution.executedAt.toISOString(),
    receivedAt: execution.receivedAt.toISOString(),
  };
}

export interface AdminOrderFilter {
  status?: OrderStatus;
  symbol?: string;
  accountNo?: string;
  brokerId?: string;
  limit?: number;
}

export async function listAllOrders(prisma: PrismaClient, filter: AdminOrderFilter): Promise<OrderView[]> {
  const orders = await prisma.order.findMany({
    where: {
      status: filter.status,
      symbol: filter.symbol?.toUpperCase(),
      brokerId: filter.brokerId,
      ...(filter.accountNo ? { account: { accountNo: filter.accountNo } } : {}),
    },
    include: { account: { select: { accountNo: true } } },
    orderBy: { createdAt: "desc" },
    take: filter.limit ?? 500,
  });
  return orders.map((order) => toOrderView(order, order.account.accountNo));
}

export async function getOrderDetail(prisma: PrismaClient, orderId: string) {
  const order = await prisma.order.findUnique({
    where: { id: orderId },
    include: {
      account: { include: { user: { select: { name: true, email: true } } } },
      events: { orderBy: { id: "asc" } },
      executions: { orderBy: { executedAt: "asc" } },
    },
  });
  if (!order) throw new DomainError("NOT_FOUND", "No order with that id. Check the id or search the orders table.");
  const ledgerEntries = await prisma.ledgerEntry.findMany({ where: { orderId }, orderBy: { id: "asc" } });
  return {
    order: toOrderView(order, order.account.accountNo),
    account: {
      id: order.account.id,
      accountNo: order.account.accountNo,
      ownerName: order.account.user.name,
      ownerEmail: order.account.user.email,
    },
    events: order.events.map((event) => ({
      id: event.id.toString(),
      kind: event.kind,
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      actor: event.actor,
      cause: event.cause,
      detail: event.detail,
      createdAt: event.createdAt.toISOString(),
    })),
    executions: order.executions.map(executionView),
    ledgerEntries: ledgerEntries.map((entry) => ({
      id: entry.id.toString(),
      asset: entry.asset,
      amount: isCashAsset(entry.asset) ? money(entry.amount) : qty(entry.amount),
      kind: entry.kind,
      executionId: entry.executionId,
      createdAt: entry.createdAt.toISOString(),
    })),
  };
}

export async function orderStats(prisma: PrismaClient) {
  const byStatusRows = await prisma.order.groupBy({ by: ["status"], _count: { _all: true } });
  const perMinute = await prisma.$queryRaw<{ minute: Date; count: bigint }[]>`
    SELECT date_trunc('minute', created_at) AS minute, count(*) AS count FROM orders
     WHERE created_at > now() - interval '60 minutes' GROUP BY 1 ORDER BY 1`;
  return {
    byStatus: Object.fromEntries(byStatusRows.map((row) => [row.status, row._count._all])) as Partial<
      Record<OrderStatus, number>
    >,
    ordersPerMinute: perMinute.map((row) => ({ minute: row.minute.toISOString(), count: Number(row.count) })),
  };
}
