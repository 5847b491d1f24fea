// Each step of a history, run against the real core code: the customer's and the operators' requests, recovery's
// sweeps and the broker's own actions here; the transport, the receiver and the ledger in transport.ts. What a step may
// legitimately meet (a refusal, a "will retry") is allowed; anything else is recorded as unexpected.
import { actOnAttention } from "../../src/gateway/attention";
import { resolvePendingByOperator } from "../../src/gateway/pendingReservations";
import { reviveAbandonedSubmits, scheduleDueRetries } from "../../src/gateway/recovery";
import { cancelOrder } from "../../src/orders/cancelOrder";
import { resolveExpiredTcc } from "../../src/orders/expiredReservations";
import { placeOrder } from "../../src/orders/placeOrder";
import { ZPlaceOrderInput } from "../../src/orders/placeOrder.schema";
import { PRICE_CENTS, formatCents, type CallFault } from "../modelBroker";
import type { OperatorAction, Step } from "./steps";
import { MAX_ORDERS } from "./steps";
import { expectNoError, expectRefusals } from "./outcomes";
import { answerSlowCall, applyExecutionBatch, applyOneExecution, deliverCommand, deliverExecution } from "./transport";
import { ABANDONED_MS, forceDeadlinesPast, letTimePass, orderAt, type World } from "./world";

const OPERATOR = "ops@model.history";
const REASON = "model history: operator decision";

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
    case "applyExecutionBatch":
      return applyExecutionBatch(world, step.crashBeforeMark);
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
  const input = ZPlaceOrderInput.parse({
    symbol: step.symbol,
    side: step.side,
    type: step.type,
    quantity: step.quantity,
    limitPrice,
    payFeeWithPoints: step.payFeeWithPoints,
  });
  const order = await expectRefusals(world, "place", () =>
    placeOrder({ ctx: { services: world.services, account: world.account, actor: "customer" }, input }),
  );
  if (!order) return;
  world.orders.push(order.id);
  world.broker.decide(order.id, step.broker);
  world.trace.push(
    `place #${world.orders.length - 1} ${step.side} ${step.quantity} ${step.symbol} ${step.type}${limitPrice ? ` @ ${limitPrice}` : ""} (broker will ${step.broker})`,
  );
}

async function brokerFill(world: World, step: Extract<Step, { kind: "brokerFill" }>): Promise<void> {
  const orderId = orderAt(world, step.slot);
  if (!orderId) return;
  const order = await world.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
  const execution = world.broker.fill(orderId, step.quantity, fillPriceCents(order, step.priceOffsetCents));
  if (execution)
    world.trace.push(
      `broker fills #${world.orders.indexOf(orderId)}: ${execution.quantity} @ ${execution.price} (${execution.execId})`,
    );
}

/**
 * The price of a fill: better than a limit order's limit by the offset, worse by a negative offset. A market order
 * fills around the quote, from 1.2 % under to 6 % over it, so now and then beyond the 5 % collar a market buy holds
 * (which the gateway sends as its limit: a broker that errs may still cross it).
 */
function fillPriceCents(
  order: { side: string; symbol: string; limitPrice: { toNumber(): number } | null },
  offsetCents: number,
): number {
  const quote = PRICE_CENTS[order.symbol]!;
  if (order.limitPrice) {
    const limit = Math.round(order.limitPrice.toNumber() * 100);
    return Math.max(1, order.side === "BUY" ? limit - offsetCents : limit + offsetCents);
  }
  return quote + Math.round((quote * offsetCents) / 5000);
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
  const after = await expectRefusals(world, "customer cancel", () =>
    cancelOrder({ ctx: { services: world.services, account: world.account, actor: "customer" }, input: { orderId } }),
  );
  world.trace.push(`customer cancels #${world.orders.indexOf(orderId)}: ${after ? after.status : "refused"}`);
}

export async function sweep(world: World, which: "retries" | "revive" | "expireReservations"): Promise<void> {
  const { services } = world;
  if (which === "retries") await expectNoError(world, "scheduleDueRetries", () => scheduleDueRetries(services));
  if (which === "revive")
    await expectNoError(world, "reviveAbandonedSubmits", () => reviveAbandonedSubmits(services, ABANDONED_MS));
  if (which === "expireReservations") {
    await forceDeadlinesPast(world);
    const counts = await expectNoError(world, "resolveExpiredTcc", () => resolveExpiredTcc(services));
    world.trace.push(`reservation deadlines pass: ${JSON.stringify(counts)}`);
    return;
  }
  world.trace.push(`recovery: ${which}`);
}

export async function operator(
  world: World,
  slot: number,
  action: OperatorAction,
  faults: readonly CallFault[],
): Promise<boolean> {
  const orderId = orderAt(world, slot);
  if (!orderId) return false;
  const ctx = { services: world.services, actor: OPERATOR, retryPolicy: world.services.retryPolicy };
  world.broker.setFaults(faults);
  const decided = await expectRefusals(world, `operator ${action}`, () => {
    if (action === "CONFIRM_PENDING" || action === "CANCEL_PENDING") {
      return resolvePendingByOperator({
        ctx,
        input: { orderId, decision: action === "CONFIRM_PENDING" ? "CONFIRM" : "CANCEL", reason: REASON },
      });
    }
    return actOnAttention({ ctx, input: { orderId, action, reason: REASON } });
  });
  world.broker.endStep();
  world.trace.push(
    `operator ${action} #${world.orders.indexOf(orderId)}${faults.length ? ` [${faults.join(", ")}]` : ""}: ${decided ? decided.status : "refused"}`,
  );
  return decided !== null;
}
