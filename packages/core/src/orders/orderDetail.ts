// The console's order page: the order with its timeline, executions and ledger entries, its TCC reservation, and the
// change history of its row.
import { orderHistory } from "../audit/history";
import type { CoreServices } from "../services";
import { tccOfOrder } from "../tcc/queries";
import type { TOrderDetailInput } from "./adminOrders.schema";
import { getOrderDetail } from "./queries";

export async function orderDetailForOperator({
  ctx,
  input,
}: {
  ctx: { services: Pick<CoreServices, "prisma"> };
  input: TOrderDetailInput;
}) {
  const { prisma } = ctx.services;
  const detail = await getOrderDetail(prisma, input.orderId);
  const [tcc, history, saga] = await Promise.all([
    tccOfOrder(prisma, input.orderId),
    orderHistory(prisma, input.orderId),
    // A buy paid in won: the saga that exchanged its dollars (and gives back what it did not spend).
    prisma.saga.findFirst({ where: { orderId: input.orderId }, select: { id: true, type: true, status: true } }),
  ]);
  return { ...detail, tcc, history, saga };
}
