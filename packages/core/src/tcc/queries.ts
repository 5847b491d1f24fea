import type { PrismaClient, TccBranch } from "@meridian/db";
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
  const branches = await prisma.tccBranch.findMany({ where: { transactionId: record.id } });
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
    /** Branches held by other services (the fee points service), as we record them. */
    branches: branches.map(branchView),
  };
}

function branchView(branch: TccBranch) {
  return {
    transactionId: branch.transactionId,
    branchId: branch.branchId,
    orderId: branch.orderId,
    accountNo: branch.accountNo,
    state: branch.state,
    points: branch.points.toString(),
    spent: branch.spent.toString(),
    attempts: branch.attempts,
    nextAttemptAt: branch.nextAttemptAt?.toISOString() ?? null,
    lastError: branch.lastError,
    settledAt: branch.settledAt?.toISOString() ?? null,
    createdAt: branch.createdAt.toISOString(),
    updatedAt: branch.updatedAt.toISOString(),
  };
}

/**
 * The console's view of the fee points branches whose end is not acknowledged yet (CONFIRMING, CANCELLING, with their
 * attempts and last error) or was refused, oldest first; acknowledged ones only when asked for.
 */
export async function listFeePointsBranches(prisma: PrismaClient, options: { includeSettled?: boolean } = {}) {
  const branches = await prisma.tccBranch.findMany({
    where: options.includeSettled ? {} : { state: { in: ["CONFIRMING", "CANCELLING", "REFUSED"] } },
    orderBy: { updatedAt: "asc" },
    take: 500,
  });
  return branches.map(branchView);
}
