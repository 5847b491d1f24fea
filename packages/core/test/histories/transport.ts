// The transport and the receiver as a history drives them: one order's commands to the gateway in order (a row whose
// handler failed stays owed; a worker that dies leaves it owed too), the broker's executions through the receiver in
// any order and more than once, and the ledger consuming stored executions per order, in order.
import { handleOrderCommand } from "../../src/gateway/handleCommand";
import { orderCommandsTopic, TOPICS } from "../../src/messaging/topics";
import { storeExecution } from "../../src/receiver/storeExecution";
import { applyExecution, applyExecutions } from "../../src/settlement/applyExecution";
import type { CallFault } from "../modelBroker";
import { expectNoError, statusOf } from "./outcomes";
import { consumed, headRow, orderAt, type InFlight, type World } from "./world";

/** Errors a command handler throws on purpose, so the transport asks again later. */
const WILL_RETRY = /will retry|will ask again/;

/**
 * The gateway takes the order's next command. A worker that dies during a broker call never finishes the handler: the
 * step stops waiting when the call hangs, and the row stays owed, as after a crash. A slow answer leaves the handler
 * waiting, its row claimed (no other command of the order runs), until answerArrives or time passes.
 */
export async function deliverCommand(
  world: World,
  slot: number,
  faults: readonly CallFault[],
  crashBeforeMark: boolean,
): Promise<boolean> {
  const orderId = orderAt(world, slot);
  if (!orderId || world.inFlight.has(orderId)) return false;
  const { brokerId } = await world.prisma.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { brokerId: true },
  });
  const row = await headRow(world.prisma, orderCommandsTopic(brokerId), orderId);
  if (!row) return false;
  world.broker.setFaults(faults);
  const parked = world.broker.whenParked();
  const outcome = handleOrderCommand({ services: world.services, retryPolicy: world.services.retryPolicy }, row).then(
    () => "handled" as const,
    (error: Error) => error,
  );
  const first = await Promise.race([outcome, parked]);
  world.broker.endStep();
  const label = `${row.eventType} #${world.orders.indexOf(orderId)}${faults.length ? ` [${faults.join(", ")}]` : ""}`;
  if (first === "hung") {
    world.trace.push(`${label}: the worker died during the broker call`);
    return false;
  }
  if (first === "slow") {
    world.inFlight.set(orderId, { row, label, crashBeforeMark, outcome });
    world.trace.push(`${label}: the broker acted; its answer is on the way`);
    return false;
  }
  return finishDelivery(world, { row, label, crashBeforeMark, outcome }, first);
}

/** A slow answer reaches its handler (or, timedOut, the handler gives up on it), and the handler runs to its end. */
export async function answerSlowCall(world: World, orderId: string, timedOut: boolean): Promise<void> {
  const delivery = world.inFlight.get(orderId);
  if (!delivery) return;
  world.inFlight.delete(orderId);
  world.trace.push(
    `${delivery.label}: ${timedOut ? "the handler stops waiting for the answer (timeout)" : "the answer arrives"}`,
  );
  world.broker.releaseSlowCall(orderId, timedOut);
  await finishDelivery(world, delivery, await delivery.outcome);
}

async function finishDelivery(world: World, delivery: InFlight, outcome: "handled" | Error): Promise<boolean> {
  const { row, label } = delivery;
  if (outcome instanceof Error) {
    world.rowErrors.set(row.id, outcome.message);
    world.trace.push(`${label}: failed, kept for redelivery (${outcome.message})`);
    if (!WILL_RETRY.test(outcome.message)) world.unexpected.push(`${label}: ${outcome.name}: ${outcome.message}`);
    return false;
  }
  world.rowErrors.delete(row.id);
  if (delivery.crashBeforeMark) {
    world.trace.push(`${label}: handled, now ${await statusOf(world, row.key)}; the worker died before marking it`);
    return false;
  }
  await consumed(world.prisma, row);
  world.trace.push(`${label}: handled, now ${await statusOf(world, row.key)}`);
  return true;
}

export async function deliverExecution(world: World, pick: number, copies: 1 | 2): Promise<void> {
  const { executions } = world.broker;
  if (!executions.length) return;
  const execution = executions[pick % executions.length]!;
  for (let copy = 0; copy < copies; copy++) {
    const stored = await expectNoError(world, `store ${execution.execId}`, () =>
      storeExecution(world.prisma, world.broker.brokerId, execution),
    );
    if (stored) world.trace.push(`webhook delivers ${execution.execId}${stored.stored ? "" : " again (duplicate)"}`);
  }
  world.deliveredExecIds.add(execution.execId);
}

export async function applyOneExecution(world: World, slot: number, crashBeforeMark: boolean): Promise<boolean> {
  const orderId = orderAt(world, slot);
  if (!orderId) return false;
  const row = await headRow(world.prisma, TOPICS.executions, orderId);
  if (!row) return false;
  const { receiptId } = row.payload as { receiptId: string };
  const outcome = await expectNoError(world, `apply receipt ${receiptId}`, () =>
    applyExecution(world.services, receiptId),
  );
  if (!outcome) {
    world.rowErrors.set(row.id, world.unexpected.at(-1) ?? "failed");
    return false;
  }
  world.trace.push(
    `ledger applies a receipt of #${world.orders.indexOf(orderId)}: ${outcome}, now ${await statusOf(world, orderId)}${crashBeforeMark ? "; the worker died before marking it" : ""}`,
  );
  if (!crashBeforeMark) await consumed(world.prisma, row);
  return true;
}

/**
 * The ledger as it runs at a market open: the oldest stored execution of every order of the account, applied together
 * in one transaction (LedgerBatcher's batch); `crashBeforeMark`: it worked, but the rows stay owed.
 */
export async function applyExecutionBatch(world: World, crashBeforeMark: boolean): Promise<void> {
  const rows = [];
  for (const orderId of world.orders) {
    const row = await headRow(world.prisma, TOPICS.executions, orderId);
    if (row && !world.rowErrors.has(row.id)) rows.push(row);
  }
  if (rows.length === 0) return;
  const receiptIds = rows.map((row) => (row.payload as { receiptId: string }).receiptId);
  const outcomes = await expectNoError(world, `apply receipts ${receiptIds.join(", ")} in one batch`, () =>
    applyExecutions(world.services, world.account.id, receiptIds),
  );
  if (!outcomes) return;
  world.trace.push(
    `ledger applies ${rows.length} receipts in one batch: ${receiptIds.map((id) => outcomes.get(id)).join(", ")}${crashBeforeMark ? "; the worker died before marking them" : ""}`,
  );
  if (!crashBeforeMark) for (const row of rows) await consumed(world.prisma, row);
}
