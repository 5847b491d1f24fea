// Reads both sides for one broker and window. The order of the reads matters: which of our orders are in the window
// is read first, then the broker's report, then our orders' state and receipts — so our state is never older than
// the broker's, and anything of ours that moved after the report was requested is recognised as in flight.
import type { PrismaClient } from "@meridian/db";
import type { BrokerAdapter, BrokerOrderView } from "../broker/port";
import type { ComparisonInput, OurOrder } from "./compare";

/** The ledger's inbox consumer name (settlement/applyExecution.ts): a receipt with its row has been consumed. */
const LEDGER_CONSUMER = "ledger";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SnapshotRequest {
  prisma: PrismaClient;
  broker: BrokerAdapter;
  since: Date;
  graceMs: number;
  signal?: AbortSignal;
}

export async function readBothSides({
  prisma,
  broker,
  since,
  graceMs,
  signal,
}: SnapshotRequest): Promise<ComparisonInput> {
  const brokerId = broker.brokerId;
  const listOrdersSince = broker.listOrdersSince?.bind(broker);
  if (!listOrdersSince) throw new Error(`broker ${brokerId} offers no daily report to reconcile against`);

  const inWindow = await prisma.order.findMany({
    where: { brokerId, OR: [{ createdAt: { gte: since } }, { updatedAt: { gte: since } }] },
    select: { id: true, createdAt: true },
  });
  const reportRequestedAt = new Date();
  const report = await listOrdersSince(since, signal);
  const brokerOrders = new Map<string, BrokerOrderView>(report.map((order) => [order.clientOrderId, order]));

  // An order of ours created before the window that changed inside it is not in the broker's report when the broker
  // has not changed it since: read the broker's records back to the oldest such order, and keep just those.
  const uncovered = inWindow.filter((order) => !brokerOrders.has(order.id));
  if (uncovered.length > 0) {
    const oldest = new Date(Math.min(...uncovered.map((order) => order.createdAt.getTime())));
    if (oldest < since) {
      const wanted = new Set(uncovered.map((order) => order.id));
      for (const order of await listOrdersSince(oldest, signal))
        if (wanted.has(order.clientOrderId)) brokerOrders.set(order.clientOrderId, order);
    }
  }

  const ids = [
    ...new Set([...inWindow.map((order) => order.id), ...[...brokerOrders.keys()].filter((id) => UUID.test(id))]),
  ];
  const rows = await prisma.order.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      brokerId: true,
      symbol: true,
      side: true,
      quantity: true,
      status: true,
      filledQuantity: true,
      submitAttempts: true,
      brokerOrderId: true,
      createdAt: true,
      updatedAt: true,
      executions: { select: { id: true, brokerId: true, execId: true, quantity: true, price: true } },
    },
  });
  const receiptIds = rows.flatMap((row) => row.executions.map((receipt) => receipt.id));
  const consumed = new Set(
    (
      await prisma.inboxEvent.findMany({
        where: { consumer: LEDGER_CONSUMER, eventId: { in: receiptIds } },
        select: { eventId: true },
      })
    ).map((row) => row.eventId),
  );
  const ourOrders: OurOrder[] = rows.map(({ executions, ...order }) => ({
    ...order,
    receipts: executions
      .filter((receipt) => receipt.brokerId === brokerId)
      .map((receipt) => ({
        id: receipt.id,
        execId: receipt.execId,
        quantity: receipt.quantity,
        price: receipt.price,
        consumed: consumed.has(receipt.id),
      })),
  }));
  return { brokerId, brokerOrders: [...brokerOrders.values()], ourOrders, reportRequestedAt, now: new Date(), graceMs };
}
