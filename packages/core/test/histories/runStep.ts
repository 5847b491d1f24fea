// Each step of a history, run against the real core code: the gateway's command handler, the receiver and the ledger,
// the customer's and the operators' requests, and recovery's sweeps, exactly as the worker and the web call them.
// What a step may legitimately meet (a refusal, a "will retry") is allowed; anything else is recorded as unexpected.
import { actOnAttention } from "../../src/gateway/attention";
import { handleOrderCommand } from "../../src/gateway/handleCommand";
import { resolvePendingByOperator } from "../../src/gateway/pendingReservations";
import { reviveAbandonedSubmits, scheduleDueRetries } from "../../src/gateway/recovery";
import { TOPICS } from "../../src/messaging/topics";
import { cancelOrder } from "../../src/orders/cancelOrder";
import { resolveExpiredTcc } from "../../src/orders/expiredReservations";
import { placeOrder } from "../../src/orders/placeOrder";
import { ZPlaceOrderInput } from "../../src/orders/placeOrder.schema";
import { storeExecution } from "../../src/receiver/storeExecution";
import { applyExecution } from "../../src/settlement/applyExecution";
import { DomainError } from "../../src/shared/errors";
import { PRICE_CENTS, formatCents, type CallFault } from "../modelBroker";
import type { OperatorAction, Step } from "./steps";
import { MAX_ORDERS } from "./steps";
import { ABANDONED_MS, accountState, consumed, forceDeadlinesPast, headRow, letTimePass, orderAt, type InFlight, type World } from "./world";

const OPERATOR = "ops@model.history";
const REASON = "model history: operator decision";

/** Errors a command handler throws on purpose, so the transport asks again later. */
const WILL_RETRY = /will retry|will ask again/;

export async function runStep(world: World, step: Step): Promise<void> {
  switch (step.kind) {
    case "place":
      return place(world, step);
    case "deliverCommand":
      await deliverCommand(world, step.slot, step.faults, step.crashBeforeMark);
      return;
    case "brokerFill":
      return brokerFill(world, step);
    case "deliverExecution":
      return deliverExecution(world, step.pick, step.copies);
    case "applyExecution":
      await applyOneExecution(world, step.slot, step.crashBeforeMark);
      return;
    case "lateArrival":
      return lateArrival(world, step.pick);
    case "customerCancel":
      return customerCancel(world, step.slot);
    case "sweep":
      return sweep(world, step.sweep);
    case "operator":
      await operator(world, step.slot, step.action, step.faults);
      return;
    case "answerArrives":
      return answerArrives(world, step.pick);
    case "timePasses":
      // A call still waiting for its answer times out first: time passing is longer than any call's timeout.
      for (const orderId of [...world.inFlight.keys()]) await answerSlowCall(world, orderId, true);
      world.trace.push("time passes");
      return letTimePass(world);
  }
}

async function place(world: World, step: Extract<Step, { kind: "place" }>): Promise<void> {
  if (world.orders.length >= MAX_ORDERS) return;
  const limitPrice = step.type === "LIMIT" ? formatCents(PRICE_CENTS[step.symbol]! + step.limitOffsetCents) : undefined;
  const input = ZPlaceOrderInput.parse({ symbol: step.symbol, side: step.side, type: step.type, quantity: step.quantity, limitPrice, payFeeWithPoints: step.payFeeWithPoints });
  const order = await expectRefusals(world, "place", () => placeOrder({ ctx: { services: world.services, account: world.account, actor: "customer" }, input }));
  if (!order) return;
  world.orders.push(order.id);
  world.broker.decide(order.id, step.broker);
  world.trace.push(`place #${world.orders.length - 1} ${step.side} ${step.quantity} ${step.symbol} ${step.type}${limitPrice ? ` @ ${limitPrice}` : ""} (broker will ${step.broker})`);
}

/**
 * The gateway takes the order's next command. A worker that dies during a broker call never finishes the handler: the
 * step stops waiting when the call hangs, and the row stays owed, as after a crash. A slow answer leaves the handler
 * waiting, its row claimed (no other command of the order runs), until answerArrives or time passes.
 */
export async function deliverCommand(world: World, slot: number, faults: readonly CallFault[], crashBeforeMark: boolean): Promise<boolean> {
  const orderId = orderAt(world, slot);
  if (!orderId || world.inFlight.has(orderId)) return false;
  const row = await headRow(world.prisma, TOPICS.orderCommands, orderId);
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
  world.trace.push(`${delivery.label}: ${timedOut ? "the handler stops waiting for the answer (timeout)" : "the answer arrives"}`);
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

async function brokerFill(world: World, step: Extract<Step, { kind: "brokerFill" }>): Promise<void> {
  const orderId = orderAt(world, step.slot);
  if (!orderId) return;
  const order = await world.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
  const execution = world.broker.fill(orderId, step.quantity, fillPriceCents(order, step.priceOffsetCents));
  if (execution) world.trace.push(`broker fills #${world.orders.indexOf(orderId)}: ${execution.quantity} @ ${execution.price} (${execution.execId})`);
}

/**
 * A price the broker may fill at: no worse than a limit order's limit; a market order within 3 % of the quote, inside
 * the 5 % collar a market buy holds.
 */
function fillPriceCents(order: { side: string; symbol: string; limitPrice: { toNumber(): number } | null }, offsetCents: number): number {
  const quote = PRICE_CENTS[order.symbol]!;
  if (order.limitPrice) {
    const limit = Math.round(order.limitPrice.toNumber() * 100);
    return order.side === "BUY" ? Math.max(1, limit - offsetCents) : limit + offsetCents;
  }
  const drift = Math.round(((offsetCents % 7) - 3) * quote * 0.01);
  return quote + drift;
}

export async function deliverExecution(world: World, pick: number, copies: 1 | 2): Promise<void> {
  const { executions } = world.broker;
  if (!executions.length) return;
  const execution = executions[pick % executions.length]!;
  for (let copy = 0; copy < copies; copy++) {
    const stored = await expectNoError(world, `store ${execution.execId}`, () => storeExecution(world.prisma, world.broker.brokerId, execution));
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
  const outcome = await expectNoError(world, `apply receipt ${receiptId}`, () => applyExecution(world.services, receiptId));
  if (!outcome) {
    world.rowErrors.set(row.id, world.unexpected.at(-1) ?? "failed");
    return false;
  }
  world.trace.push(`ledger applies a receipt of #${world.orders.indexOf(orderId)}: ${outcome}, now ${await statusOf(world, orderId)}${crashBeforeMark ? "; the worker died before marking it" : ""}`);
  if (!crashBeforeMark) await consumed(world.prisma, row);
  return true;
}

async function answerArrives(world: World, pick: number): Promise<void> {
  const waiting = [...world.inFlight.keys()];
  if (waiting.length) await answerSlowCall(world, waiting[pick % waiting.length]!, false);
}

function lateArrival(world: World, pick: number): void {
  const { lateRequests } = world.broker;
  if (!lateRequests.length) return;
  const index = pick % lateRequests.length;
  const late = lateRequests[index]!;
  const orderId = late.kind === "submit" ? late.request.clientOrderId : late.clientOrderId;
  world.broker.arriveLate(index);
  world.trace.push(`a late ${late.kind} of #${world.orders.indexOf(orderId)} reaches the broker`);
}

async function customerCancel(world: World, slot: number): Promise<void> {
  const orderId = orderAt(world, slot);
  if (!orderId) return;
  const after = await expectRefusals(world, "customer cancel", () => cancelOrder({ ctx: { services: world.services, account: world.account, actor: "customer" }, input: { orderId } }));
  world.trace.push(`customer cancels #${world.orders.indexOf(orderId)}: ${after ? after.status : "refused"}`);
}

export async function sweep(world: World, which: "retries" | "revive" | "expireReservations"): Promise<void> {
  const { services } = world;
  if (which === "retries") await expectNoError(world, "scheduleDueRetries", () => scheduleDueRetries(services));
  if (which === "revive") await expectNoError(world, "reviveAbandonedSubmits", () => reviveAbandonedSubmits(services, ABANDONED_MS));
  if (which === "expireReservations") {
    await forceDeadlinesPast(world);
    const counts = await expectNoError(world, "resolveExpiredTcc", () => resolveExpiredTcc(services));
    world.trace.push(`reservation deadlines pass: ${JSON.stringify(counts)}`);
    return;
  }
  world.trace.push(`recovery: ${which}`);
}

export async function operator(world: World, slot: number, action: OperatorAction, faults: readonly CallFault[]): Promise<boolean> {
  const orderId = orderAt(world, slot);
  if (!orderId) return false;
  const ctx = { services: world.services, actor: OPERATOR, retryPolicy: world.services.retryPolicy };
  world.broker.setFaults(faults);
  const decided = await expectRefusals(world, `operator ${action}`, () => {
    if (action === "CONFIRM_PENDING" || action === "CANCEL_PENDING") {
      return resolvePendingByOperator({ ctx, input: { orderId, decision: action === "CONFIRM_PENDING" ? "CONFIRM" : "CANCEL", reason: REASON } });
    }
    return actOnAttention({ ctx, input: { orderId, action, reason: REASON } });
  });
  world.broker.endStep();
  world.trace.push(`operator ${action} #${world.orders.indexOf(orderId)}${faults.length ? ` [${faults.join(", ")}]` : ""}: ${decided ? decided.status : "refused"}`);
  return decided !== null;
}

async function statusOf(world: World, orderId: string): Promise<string> {
  const order = await world.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true, filledQuantity: true } });
  return order.filledQuantity.isZero() ? order.status : `${order.status} (${order.filledQuantity.toString()} filled)`;
}

/** Runs a request that may be refused (DomainError); a refusal must change nothing. Null when refused. */
async function expectRefusals<T>(world: World, what: string, request: () => Promise<T>): Promise<T | null> {
  const before = await accountState(world);
  try {
    return await request();
  } catch (error) {
    if (!(error instanceof DomainError)) {
      world.unexpected.push(`${what}: ${(error as Error).name}: ${(error as Error).message}`);
      return null;
    }
    const after = await accountState(world);
    if (after !== before) world.unexpected.push(`${what} was refused (${error.message}) but changed the account: ${before} → ${after}`);
    return null;
  }
}

async function expectNoError<T>(world: World, what: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    world.unexpected.push(`${what}: ${(error as Error).name}: ${(error as Error).message}`);
    return null;
  }
}
