// Shared by the Kafka suites (kafka*.test.ts): the skip rule and the exactly-once checks; the execution feed itself is
// in executionFeed.ts.
import { describe, expect } from "vitest";
import { findLedgerViolations, ORDER_COMMANDS_TOPICS } from "@meridian/core";
import type { Order } from "@meridian/db";
import type { BrokerExecutionCall } from "./executionFeed";
import type { TestSystem } from "./system";

export * from "./executionFeed";

export const kafkaBrokers = process.env.KAFKA_BROKERS ?? "";

/** `describe`, or a skipped one with the reason printed when no Kafka is configured (`npm run kafka` starts one). */
export function describeKafka(name: string, body: () => void): void {
  if (kafkaBrokers) {
    describe(name, body);
    return;
  }
  console.log(`skipped: "${name}" needs Kafka; start one with \`npm run kafka\` and set KAFKA_BROKERS=127.0.0.1:9092`);
  describe.skip(name, body);
}

/**
 * Every unique execution applied once: one receipt, one inbox row, one FILL; fills equal the broker's totals; books
 * exact.
 */
export async function expectExactlyOnce(
  system: TestSystem,
  orders: Order[],
  calls: BrokerExecutionCall[],
): Promise<void> {
  const { prisma } = system.db;
  const ids = orders.map((order) => order.id);
  const receipts = await prisma.executionReceipt.findMany({ where: { orderId: { in: ids } } });
  expect(receipts.length).toBe(calls.length);
  expect(new Set(receipts.map((receipt) => `${receipt.brokerId}/${receipt.execId}`)).size).toBe(calls.length);
  const inbox = await prisma.inboxEvent.count({
    where: { consumer: "ledger", eventId: { in: receipts.map((receipt) => receipt.id) } },
  });
  expect(inbox).toBe(calls.length);
  const fills = await prisma.orderEvent.findMany({
    where: { orderId: { in: ids }, kind: "FILL" },
    select: { detail: true },
  });
  const filledReceipts = fills.map((fill) => (fill.detail as { receiptId: string }).receiptId);
  expect(filledReceipts.length).toBe(calls.length);
  expect(new Set(filledReceipts).size).toBe(calls.length);
  const brokerTotals = new Map<string, number>();
  for (const call of calls) brokerTotals.set(call.orderId, (brokerTotals.get(call.orderId) ?? 0) + call.quantity);
  for (const order of await prisma.order.findMany({ where: { id: { in: ids } } })) {
    expect({ order: order.id, filled: order.filledQuantity.toNumber() }).toEqual({
      order: order.id,
      filled: brokerTotals.get(order.id),
    });
  }
  expect(await findLedgerViolations(prisma)).toEqual([]);
  expect(
    await prisma.outboxEvent.count({
      where: { consumedAt: null, topic: { in: ["executions", ...ORDER_COMMANDS_TOPICS] } },
    }),
  ).toBe(0);
}
