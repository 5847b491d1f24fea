// The gateway ("order-request server"): sends an order to its broker with our order id as the idempotency key.
// The order is stored as SUBMITTING before the call, so a crash during the call leaves evidence, never a silent gap.
import type { Order } from "@meridian/db";
import { BrokerUnavailableError, type BrokerAdapter, type SubmitResult } from "../broker/port";
import { closeOrder } from "../orders/closeOrder";
import { confirmTcc } from "../tcc/coordinator";
import { isTerminal } from "../orders/status";
import { changeOrder, recordOrderEvent } from "../orders/transition";
import type { CoreServices } from "../services";
import { inAccountTransaction } from "../shared/accountTx";
import { backoffDelayMs, type RetryPolicy } from "./retryPolicy";

const ACTOR = "gateway";
/** States from which a submit may (re)start. */
const SUBMITTABLE = new Set(["PENDING_NEW", "UNKNOWN"]);

export interface GatewayDeps {
  services: CoreServices;
  retryPolicy: RetryPolicy;
}

/** Handles one submit request for `orderId`; safe to run twice (the status check and the broker's idempotency key). */
export async function submitOrder(deps: GatewayDeps, orderId: string): Promise<void> {
  const { services } = deps;
  const claimed = await claimForSubmit(services, orderId);
  if (!claimed) return;
  const broker = services.brokers.get(claimed.brokerId);
  let result: SubmitResult;
  try {
    result = await broker.submitOrder(
      {
        clientOrderId: claimed.id,
        accountRef: claimed.accountId,
        symbol: claimed.symbol,
        side: claimed.side,
        type: claimed.type,
        quantity: claimed.quantity.toString(),
        ...(claimed.limitPrice ? { limitPrice: claimed.limitPrice.toFixed(2) } : {}),
      },
    );
  } catch (error) {
    if (!(error instanceof BrokerUnavailableError)) throw error;
    await recordUnknownOutcome(deps, claimed, error);
    return;
  }
  await recordSubmitResult(services, claimed, result);
}

async function claimForSubmit(services: CoreServices, orderId: string): Promise<Order | null> {
  const order = await services.prisma.order.findUnique({ where: { id: orderId }, select: { accountId: true } });
  if (!order) return null;
  return inAccountTransaction(services, order.accountId, { actor: ACTOR, cause: "submit to broker" }, async (tx) => {
    const current = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
    if (!SUBMITTABLE.has(current.status)) return null; // cancelled before sending, or already handled
    return changeOrder(tx, current, {
      kind: "SUBMIT_ATTEMPT",
      actor: ACTOR,
      cause: `attempt ${current.submitAttempts + 1} to ${current.brokerId}`,
      status: "SUBMITTING",
      data: { submitAttempts: { increment: 1 }, nextAttemptAt: null },
      detail: { attempt: current.submitAttempts + 1, brokerId: current.brokerId },
    });
  });
}

export async function recordSubmitResult(services: CoreServices, claimed: Order, result: SubmitResult): Promise<void> {
  await inAccountTransaction(services, claimed.accountId, { actor: ACTOR, cause: `broker answered ${result.outcome}` }, async (tx) => {
    const order = await tx.order.findUniqueOrThrow({ where: { id: claimed.id } });
    if (result.outcome === "REJECTED") {
      if (order.filledQuantity.isZero()) {
        await closeOrder(tx, order, "REJECTED", { kind: "REJECTED", actor: ACTOR, cause: `broker rejected: ${result.reason}`, data: { statusReason: result.reason } });
      }
      return;
    }
    if (isTerminal(order.status)) {
      // We closed it before the broker's answer arrived: a mismatch for reconciliation, never a silent change.
      await recordOrderEvent(tx, order.id, { kind: "ACCEPTED_AFTER_CLOSE", actor: ACTOR, cause: `broker accepted ${result.brokerOrderId} after the order was ${order.status}`, detail: { brokerOrderId: result.brokerOrderId } });
      return;
    }
    await confirmTcc(tx, order);
    // A fill may have been applied before this answer arrived (the webhook raced it): never move the status back.
    const moveToAccepted = order.status === "SUBMITTING" || order.status === "UNKNOWN" || order.status === "NEEDS_ATTENTION";
    await changeOrder(tx, order, {
      kind: "ACCEPTED",
      actor: ACTOR,
      cause: `accepted by ${order.brokerId} as ${result.brokerOrderId}`,
      ...(moveToAccepted ? { status: "ACCEPTED" as const } : {}),
      data: { brokerOrderId: result.brokerOrderId, statusReason: null },
      detail: { brokerOrderId: result.brokerOrderId },
    });
  });
}

async function recordUnknownOutcome(deps: GatewayDeps, claimed: Order, error: BrokerUnavailableError): Promise<void> {
  const { services, retryPolicy } = deps;
  // NOT_SENT (bulkhead full, circuit open): the broker never saw the call, so it does not use up an attempt.
  const counted = error.reason !== "NOT_SENT";
  await inAccountTransaction(services, claimed.accountId, { actor: ACTOR, cause: `no answer: ${error.reason}` }, async (tx) => {
    const order = await tx.order.findUniqueOrThrow({ where: { id: claimed.id } });
    if (order.status !== "SUBMITTING") return; // a fill or a cancel already told us more than this timeout does
    const attempts = counted ? order.submitAttempts : order.submitAttempts - 1;
    const exhausted = counted && attempts >= retryPolicy.maxAttempts;
    const delayMs = backoffDelayMs(retryPolicy, Math.max(1, attempts));
    await changeOrder(tx, order, {
      kind: exhausted ? "GAVE_UP" : "OUTCOME_UNKNOWN",
      actor: ACTOR,
      cause: exhausted
        ? `no answer after ${attempts} attempts (${error.reason}); an operator must resolve it`
        : `${error.reason}: ${error.message}; retrying in ${(delayMs / 1000).toFixed(1)} s with the same order id`,
      status: exhausted ? "NEEDS_ATTENTION" : "UNKNOWN",
      data: { statusReason: `${error.reason}: ${error.message}`, submitAttempts: attempts, nextAttemptAt: exhausted ? null : new Date(Date.now() + delayMs) },
      detail: { reason: error.reason, attempt: attempts, counted },
    });
  });
}

/** For an UNKNOWN order on a broker that can look orders up: ask before resubmitting (the notes). */
export async function lookupBeforeRetry(broker: BrokerAdapter, orderId: string): Promise<SubmitResult | null> {
  if (!broker.capabilities.lookupByClientOrderId) return null;
  const found = await broker.lookupOrder(orderId);
  if (!found) return null;
  return found.status === "REJECTED" ? { outcome: "REJECTED", reason: "rejected at the broker" } : { outcome: "ACCEPTED", brokerOrderId: found.brokerOrderId };
}
