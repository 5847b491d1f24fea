// The broker's execution for an order as the worker takes it: received and stored as the receiver stores it, then
// applied by the ledger. For domain tests that fill orders without a broker process.
import { randomUUID } from "node:crypto";
import { storeExecution } from "../src/receiver/storeExecution";
import type { CoreServices } from "../src/services";
import { applyExecution } from "../src/settlement/applyExecution";

export async function executeFill(
  services: CoreServices,
  order: { id: string; symbol: string; side: "BUY" | "SELL" },
  quantity: string,
  price: string,
) {
  const stored = await storeExecution(services.prisma, "atlas", {
    execId: `E-${randomUUID()}`,
    clientOrderId: order.id,
    brokerOrderId: `B-${order.id}`,
    symbol: order.symbol,
    side: order.side,
    quantity,
    price,
    executedAt: new Date().toISOString(),
  });
  if (!stored.stored) throw new Error("execution was a duplicate");
  return applyExecution(services, stored.receiptId);
}
