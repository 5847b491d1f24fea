// Late fills for the operator console: executions the ledger booked for orders we had already closed. Each one is a
// trade the customer may not expect (they saw the order cancelled), often with a debit the account now owes, so the
// console lists the recent ones until an operator has looked at the order.
import type { PrismaClient } from "@meridian/db";

export const LATE_FILL_KIND = "LATE_FILL";
/** How far back the console's list reaches. */
export const LATE_FILL_WINDOW_DAYS = 7;
const MOST_LISTED = 100;

export async function listLateFills(prisma: PrismaClient, now = new Date()) {
  const since = new Date(now.getTime() - LATE_FILL_WINDOW_DAYS * 24 * 60 * 60 * 1000);
  const events = await prisma.orderEvent.findMany({
    where: { kind: LATE_FILL_KIND, createdAt: { gte: since } },
    orderBy: { id: "desc" },
    take: MOST_LISTED,
    include: {
      order: {
        select: {
          id: true,
          symbol: true,
          side: true,
          quantity: true,
          status: true,
          account: { select: { accountNo: true } },
        },
      },
    },
  });
  return events.map((event) => {
    const detail = (event.detail ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof detail[key] === "string" ? (detail[key] as string) : null);
    return {
      eventId: event.id.toString(),
      at: event.createdAt.toISOString(),
      orderId: event.order.id,
      accountNo: event.order.account.accountNo,
      symbol: event.order.symbol,
      side: event.order.side,
      orderQuantity: event.order.quantity.toString(),
      status: event.order.status,
      /** The status the order had when the fill arrived. */
      closedAs: text("closedAs"),
      quantity: text("quantity"),
      price: text("price"),
      execId: text("execId"),
      /** What the fill left the account owing, if it could not cover it. */
      debitCash: text("debitCash"),
      debitShares: text("debitShares"),
    };
  });
}
