// The one way an order row changes: compare-and-set on version, with a timeline event written beside it.
import type { Order, OrderStatus, Prisma, Tx } from "@meridian/db";
import { ConcurrencyError } from "../shared/errors";

export interface OrderChange {
  kind: string;
  actor: string;
  cause: string;
  status?: OrderStatus;
  data?: Omit<Prisma.OrderUpdateManyMutationInput, "status" | "version">;
  detail?: Prisma.InputJsonValue;
}

export async function changeOrder(tx: Tx, order: Order, change: OrderChange): Promise<Order> {
  const { count } = await tx.order.updateMany({
    where: { id: order.id, version: order.version },
    data: { ...change.data, ...(change.status ? { status: change.status } : {}), version: { increment: 1 } },
  });
  if (count !== 1) throw new ConcurrencyError("order", order.id);
  await recordOrderEvent(tx, order.id, {
    kind: change.kind,
    actor: change.actor,
    cause: change.cause,
    fromStatus: change.status && change.status !== order.status ? order.status : null,
    toStatus: change.status && change.status !== order.status ? change.status : null,
    detail: change.detail,
  });
  return tx.order.findUniqueOrThrow({ where: { id: order.id } });
}

export async function recordOrderEvent(
  tx: Tx,
  orderId: string,
  event: { kind: string; actor: string; cause: string; fromStatus?: OrderStatus | null; toStatus?: OrderStatus | null; detail?: Prisma.InputJsonValue },
): Promise<void> {
  await tx.orderEvent.create({ data: { orderId, ...event } });
}
