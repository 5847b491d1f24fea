// The gateway ("order-request server"): sends an order to its broker with our order id as the idempotency key.
// The order is stored as SUBMITTING before the call, so a crash during the call leaves evidence, never a silent gap.
// The broker's answer is handed to orders/, which decides what it means for the order as it is by then.
import type { Order } from "@meridian/db";
import { BrokerUnavailableError, type BrokerAdapter, type SubmitResult } from "../broker/port";
import { inAccountTransaction } from "../lock/accountTransaction";
import { applyBrokerAnswer, type BrokerAnswer } from "../orders/brokerAnswers";
import { changeOrder, recordOrderEvent } from "../orders/lifecycle";
import type { CoreServices } from "../services";
import { answerFromSubmit, answerFromView } from "./answers";
import { toBrokerRequest } from "./brokerRequest";
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
  let result: SubmitResult;
  try {
    result = await services.brokers.get(claimed.brokerId).submitOrder(toBrokerRequest(claimed));
  } catch (error) {
    if (!(error instanceof BrokerUnavailableError)) throw error;
    await recordUnknownOutcome(deps, claimed, error);
    return;
  }
  await recordBrokerAnswer(services, claimed, answerFromSubmit(result));
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

/** Applies what the broker said about the order, under the account lock, to the order as it is now. */
export async function recordBrokerAnswer(
  services: CoreServices,
  claimed: Pick<Order, "id" | "accountId">,
  answer: BrokerAnswer,
): Promise<void> {
  await inAccountTransaction(
    services,
    claimed.accountId,
    { actor: ACTOR, cause: `broker answered: ${answer.kind}` },
    async (tx) => {
      const order = await tx.order.findUniqueOrThrow({ where: { id: claimed.id } });
      await applyBrokerAnswer(tx, order, answer, { actor: ACTOR, via: "gateway" });
    },
  );
}

async function recordUnknownOutcome(deps: GatewayDeps, claimed: Order, error: BrokerUnavailableError): Promise<void> {
  const { services, retryPolicy } = deps;
  // NOT_SENT (pool full, rate limit, circuit open or forced open): the broker never saw the call, so it does not use up an attempt.
  const counted = error.reason !== "NOT_SENT";
  await inAccountTransaction(
    services,
    claimed.accountId,
    { actor: ACTOR, cause: `no answer: ${error.reason}` },
    async (tx) => {
      const order = await tx.order.findUniqueOrThrow({ where: { id: claimed.id } });
      if (order.status !== "SUBMITTING") {
        // A fill or a cancel moved the order on meanwhile. The event still marks when we stopped waiting: the request
        // may reach the broker later (lateArrival.ts).
        await recordOrderEvent(tx, order.id, {
          kind: "OUTCOME_UNKNOWN",
          actor: ACTOR,
          cause: `${error.reason}: ${error.message}; the order is ${order.status} by now`,
          detail: { reason: error.reason, counted },
        });
        return;
      }
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
        data: {
          statusReason: `${error.reason}: ${error.message}`,
          submitAttempts: attempts,
          nextAttemptAt: exhausted ? null : new Date(Date.now() + delayMs),
        },
        detail: { reason: error.reason, attempt: attempts, counted },
      });
    },
  );
}

/** For an UNKNOWN order on a broker that can look orders up: ask before resubmitting, and take its answer. */
export async function lookupBeforeRetry(broker: BrokerAdapter, orderId: string): Promise<BrokerAnswer | null> {
  if (!broker.capabilities.lookupByClientOrderId) return null;
  const found = await broker.lookupOrder(orderId);
  return found ? answerFromView(found) : null;
}
