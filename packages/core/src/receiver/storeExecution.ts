// The receiver ("fill-receiving server"): a broker's execution is stored before the broker is acknowledged, then
// published through the outbox. (broker, execId) is unique, so a duplicate delivery stops at the insert. A "duplicate"
// that differs from the stored receipt is not a redelivery but a broker reusing an execution id: refused, so the
// second execution is looked at by operators instead of being dropped as a repeat.
import type { PrismaClient } from "@meridian/db";
import { TOPICS } from "../messaging/topics";
import { DomainError } from "../shared/errors";
import type { ExecutionWebhook } from "../broker/wire";

export type StoreResult = { stored: true; receiptId: string } | { stored: false; duplicateOf: string };

export async function storeExecution(
  prisma: PrismaClient,
  brokerId: string,
  execution: ExecutionWebhook,
): Promise<StoreResult> {
  const order = await prisma.order.findUnique({
    where: { id: execution.clientOrderId },
    select: { brokerId: true, symbol: true, side: true, accountId: true },
  });
  if (!order || order.brokerId !== brokerId)
    throw new DomainError("NOT_FOUND", `no order ${execution.clientOrderId} was sent to ${brokerId}`);
  if (order.symbol !== execution.symbol || order.side !== execution.side) {
    throw new DomainError(
      "BAD_REQUEST",
      `execution ${execution.execId} is ${execution.side} ${execution.symbol}, the order is ${order.side} ${order.symbol}`,
    );
  }
  // The receipt and its outbox row in one statement, which is atomic on its own: no transaction to open and close for
  // each of a market open's thousands of webhooks. A duplicate inserts neither.
  const inserted = await prisma.$queryRaw<{ id: string }[]>`
    WITH receipt AS (
      INSERT INTO execution_receipts (id, broker_id, exec_id, order_id, quantity, price, executed_at)
      VALUES (gen_random_uuid(), ${brokerId}, ${execution.execId}, ${execution.clientOrderId}::uuid,
              ${execution.quantity}::numeric, ${execution.price}::numeric, ${new Date(execution.executedAt)})
      ON CONFLICT (broker_id, exec_id) DO NOTHING RETURNING id
    ), event AS (
      -- The account lets the ledger group executions by account before it reads anything (ledgerBatcher.ts).
      INSERT INTO outbox_events (id, topic, key, event_type, payload)
      SELECT gen_random_uuid(), ${TOPICS.executions}, ${execution.clientOrderId}, 'ExecutionReceived',
             jsonb_build_object('receiptId', receipt.id, 'orderId', ${execution.clientOrderId}::text,
                                'accountId', ${order.accountId}::text)
        FROM receipt
    )
    SELECT id FROM receipt`;
  const receiptId = inserted[0]?.id;
  if (receiptId) return { stored: true, receiptId };
  const existing = await prisma.executionReceipt.findUniqueOrThrow({
    where: { brokerId_execId: { brokerId, execId: execution.execId } },
  });
  const sameTerms =
    existing.orderId === execution.clientOrderId &&
    existing.quantity.equals(execution.quantity) &&
    existing.price.equals(execution.price);
  if (!sameTerms) {
    throw new DomainError(
      "CONFLICT",
      `execution id ${execution.execId} was already used for ${existing.quantity.toString()} @ ${existing.price.toString()} on order ${existing.orderId}; ` +
        `this one says ${execution.quantity} @ ${execution.price} on order ${execution.clientOrderId}`,
    );
  }
  return { stored: false, duplicateOf: existing.id };
}
