import type { PrismaClient } from "@meridian/db";
import { money, qty } from "../shared/money";

/** The operators' Pending queue: reservations recovery could not settle on its own. */
export async function listPending(prisma: PrismaClient) {
  const records = await prisma.tccTransaction.findMany({
    where: { status: "TRYING", escalatedAt: { not: null }, resolvedBy: null },
    include: { fences: true },
    orderBy: { escalatedAt: "asc" },
  });
  const orders = await prisma.order.findMany({
    where: { id: { in: records.map((record) => record.orderId) } },
    include: { account: { select: { accountNo: true } } },
  });
  const byId = new Map(orders.map((order) => [order.id, order]));
  return records.map((record) => {
    const order = byId.get(record.orderId)!;
    return {
      transactionId: record.id,
      orderId: record.orderId,
      accountNo: order.account.accountNo,
      symbol: order.symbol,
      side: order.side,
      quantity: qty(order.quantity),
      orderStatus: order.status,
      statusReason: order.statusReason,
      brokerId: order.brokerId,
      heldCash: money(order.heldCash),
      heldQuantity: qty(order.heldQuantity),
      heldPoints: order.heldPoints.toString(),
      deadline: record.deadline.toISOString(),
      escalatedAt: record.escalatedAt!.toISOString(),
      fences: record.fences.map((fence) => ({
        participant: fence.participant,
        state: fence.state,
        amount: fence.amount.toString(),
      })),
    };
  });
}

export async function tccOfOrder(prisma: PrismaClient, orderId: string) {
  const record = await prisma.tccTransaction.findUnique({
    where: { orderId },
    include: { fences: { orderBy: { createdAt: "asc" } } },
  });
  if (!record) return null;
  return {
    id: record.id,
    status: record.status,
    deadline: record.deadline.toISOString(),
    escalatedAt: record.escalatedAt?.toISOString() ?? null,
    resolvedBy: record.resolvedBy,
    resolution: record.resolution,
    fences: record.fences.map((fence) => ({
      participant: fence.participant,
      state: fence.state,
      amount: fence.amount.toString(),
      updatedAt: fence.updatedAt.toISOString(),
    })),
  };
}
