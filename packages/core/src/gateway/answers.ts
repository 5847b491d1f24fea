// The broker's wire answers (submit, cancel, lookup) translated into what they mean for an order (orders/
// brokerAnswers.ts). A broker status of CANCELLED or EXPIRED is never read as "accepted", and a cancel that came
// "too late" is read for the broker's status, asked by lookup where the answer does not carry it.
import type { BrokerAdapter, BrokerOrderStatus, BrokerOrderView, CancelResult, SubmitResult } from "../broker/port";
import type { BrokerAnswer } from "../orders/brokerAnswers";
import { refuse, type Refused } from "../operator/plan";
import { DomainError } from "../shared/errors";
import { dec, ZERO } from "../shared/money";

export function answerFromSubmit(result: SubmitResult): BrokerAnswer {
  if (result.outcome === "REJECTED") return { kind: "REJECTED", reason: `broker rejected: ${result.reason}` };
  return fromStatus(result.status ?? "NEW", result.brokerOrderId, result.filledQuantity);
}

export function answerFromView(view: BrokerOrderView): BrokerAnswer {
  return fromStatus(view.status, view.brokerOrderId, view.filledQuantity);
}

function fromStatus(status: BrokerOrderStatus, brokerOrderId: string, filledQuantity = "0"): BrokerAnswer {
  switch (status) {
    case "REJECTED":
      return { kind: "REJECTED", reason: `${brokerOrderId} is rejected at the broker` };
    case "CANCELLED":
    case "EXPIRED":
      return {
        kind: "CLOSED",
        status,
        filledQuantity: dec(filledQuantity),
        brokerOrderId,
        reason: `the broker has it ${status}`,
      };
    default:
      return { kind: "WORKING", brokerOrderId };
  }
}

/** A cancel's answer; NOT_FOUND is left to the caller, which must first wait out a submit that may still arrive. */
export async function answerFromCancel(
  broker: BrokerAdapter,
  orderId: string,
  result: Exclude<CancelResult, { outcome: "NOT_FOUND" }>,
): Promise<BrokerAnswer> {
  if (result.outcome === "CANCELLED") {
    return {
      kind: "CLOSED",
      status: "CANCELLED",
      filledQuantity: dec(result.filledQuantity),
      brokerOrderId: result.brokerOrderId,
      reason: `cancelled at ${broker.brokerId}`,
    };
  }
  const status = result.status ?? (await statusByLookup(broker, orderId));
  switch (status) {
    case "CANCELLED":
    case "EXPIRED":
      return {
        kind: "CLOSED",
        status,
        filledQuantity: dec(result.filledQuantity),
        reason: `the broker had already closed it (${status}): ${result.reason}`,
      };
    case "REJECTED":
      return { kind: "REJECTED", reason: `the broker had rejected it: ${result.reason}` };
    default:
      // FILLED, still working, or a broker that cannot say: the cancel did not happen; executions decide the rest.
      return { kind: "CANCEL_REFUSED", reason: result.reason };
  }
}

async function statusByLookup(broker: BrokerAdapter, orderId: string): Promise<BrokerOrderStatus | undefined> {
  if (!broker.capabilities.lookupByClientOrderId) return undefined;
  return (await broker.lookupOrder(orderId))?.status;
}

/** "The broker has no such order", as a cancel's close: nothing traded there. */
export const NOT_AT_BROKER: BrokerAnswer = {
  kind: "CLOSED",
  status: "CANCELLED",
  filledQuantity: ZERO,
  reason: "the broker has no such order; cancelled here",
};

/**
 * The broker's record of our order: by lookup where it has one, else from its daily report; "cannot-ask" for a
 * broker with neither. Throws when the broker does not answer.
 */
export async function askBroker(
  broker: BrokerAdapter,
  order: { id: string; createdAt: Date },
): Promise<BrokerOrderView | null | "cannot-ask"> {
  if (broker.capabilities.lookupByClientOrderId) return broker.lookupOrder(order.id);
  if (!broker.listOrdersSince) return "cannot-ask";
  const report = await broker.listOrdersSince(new Date(order.createdAt.getTime() - REPORT_SLACK_MS));
  return report.find((view) => view.clientOrderId === order.id) ?? null;
}

/**
 * The broker's record of an order for an operator's decision: a broker that cannot be reached refuses the decision
 * (nothing is changed) with `tryAgain` telling the operator what to do next.
 */
export async function askBrokerForDecision(
  broker: BrokerAdapter,
  order: { id: string; createdAt: Date; brokerId: string },
  tryAgain: string,
): Promise<{ view: BrokerOrderView | null | "cannot-ask" } | { refused: Refused }> {
  try {
    return { view: await askBroker(broker, order) };
  } catch (error) {
    const message = (error as Error).message;
    return {
      refused: refuse(
        `${order.brokerId} could not be asked about this order (${message}).`,
        new DomainError(
          "SERVICE_UNAVAILABLE",
          `Could not ask ${order.brokerId} about this order (${message}); nothing was changed. ${tryAgain}`,
        ),
      ),
    };
  }
}

/** The broker's clock and ours may differ a little: its report is read from a bit before our order was created. */
const REPORT_SLACK_MS = 5 * 60_000;
