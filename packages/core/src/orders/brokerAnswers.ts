// What the broker told us about an order, by whoever learned it (the gateway from a submit, cancel or lookup; an
// operator who checked; an approved reconciliation fix), and what that means for the order as it is *now*. An answer
// can arrive late, twice, or after another answer changed the order: one that no longer applies is written on the
// timeline and changes nothing (the lifecycle table in lifecycle.ts would refuse the move anyway).
import type { Order, Prisma, Tx } from "@meridian/db";
import type { Decimal } from "../shared/money";
import { confirmTcc } from "../tcc/coordinator";
import { closeOrder } from "./closeOrder";
import { changeOrder, recordOrderEvent } from "./lifecycle";
import { isTerminal } from "./status";

export type BrokerAnswer =
  /** The broker has the order (working, or filled: its fills arrive as executions). */
  | { kind: "WORKING"; brokerOrderId: string }
  /** The broker refused the order; it never traded. */
  | { kind: "REJECTED"; reason: string }
  /** The broker closed the order after taking it; `filledQuantity` is final and fills in flight add up to it. */
  | { kind: "CLOSED"; status: "CANCELLED" | "EXPIRED"; filledQuantity: Decimal; brokerOrderId?: string; reason: string }
  /** Our cancel came too late: the broker filled the order (or keeps working it); the fills decide. */
  | { kind: "CANCEL_REFUSED"; reason: string };

export interface Answerer {
  actor: string;
  /** Who learned it; names the timeline event (ACCEPTED, OPERATOR_ACCEPTED, RECON_ACCEPTED). */
  via: "gateway" | "operator" | "recon";
  /** Recorded on the TCC transaction when the answer settles it (operators and reconciliation). */
  resolution?: { by: string; reason: string };
  detail?: Record<string, Prisma.InputJsonValue>;
}

const PREFIX: Record<Answerer["via"], string> = { gateway: "", operator: "OPERATOR_", recon: "RECON_" };
/** Orders whose outcome at the broker we do not know yet. */
const OUTCOME_OPEN = new Set(["SUBMITTING", "UNKNOWN", "NEEDS_ATTENTION"]);

export async function applyBrokerAnswer(tx: Tx, order: Order, answer: BrokerAnswer, by: Answerer): Promise<Order> {
  if (isTerminal(order.status) || order.status === "PENDING_NEW") return notApplied(tx, order, answer, by);
  switch (answer.kind) {
    case "WORKING":
      return working(tx, order, answer, by);
    case "REJECTED":
      return rejected(tx, order, answer, by);
    case "CLOSED":
      return closed(tx, order, answer, by);
    case "CANCEL_REFUSED":
      return cancelRefused(tx, order, answer, by);
  }
}

async function working(
  tx: Tx,
  order: Order,
  answer: Extract<BrokerAnswer, { kind: "WORKING" }>,
  by: Answerer,
): Promise<Order> {
  await confirmTcc(tx, order, by.resolution);
  // A fill or a cancel request may have moved the order on already: it keeps that status and learns the broker's id.
  return changeOrder(tx, order, {
    kind: `${PREFIX[by.via]}ACCEPTED`,
    actor: by.actor,
    cause: `${order.brokerId} has it as ${answer.brokerOrderId}`,
    status: OUTCOME_OPEN.has(order.status) ? "ACCEPTED" : undefined,
    data: { brokerOrderId: answer.brokerOrderId, statusReason: null, nextAttemptAt: null },
    detail: { ...by.detail, brokerOrderId: answer.brokerOrderId },
  });
}

async function rejected(
  tx: Tx,
  order: Order,
  answer: Extract<BrokerAnswer, { kind: "REJECTED" }>,
  by: Answerer,
): Promise<Order> {
  // An order with fills was taken by the broker, whatever a later answer says; an accepted one only a reconciliation
  // that found no trace of it at the broker may close as rejected.
  const rejectable =
    order.filledQuantity.isZero() &&
    (OUTCOME_OPEN.has(order.status) ||
      order.status === "PENDING_CANCEL" ||
      (order.status === "ACCEPTED" && by.via === "recon"));
  if (!rejectable) return notApplied(tx, order, answer, by);
  return closeOrder(tx, order, "REJECTED", {
    kind: `${PREFIX[by.via]}REJECTED`,
    actor: by.actor,
    cause: answer.reason,
    resolution: by.resolution,
    data: { statusReason: answer.reason },
    detail: by.detail,
  });
}

async function closed(
  tx: Tx,
  order: Order,
  answer: Extract<BrokerAnswer, { kind: "CLOSED" }>,
  by: Answerer,
): Promise<Order> {
  if (order.filledQuantity.greaterThanOrEqualTo(answer.filledQuantity)) {
    return closeOrder(tx, order, answer.status, {
      kind: `${PREFIX[by.via]}${answer.status}`,
      actor: by.actor,
      cause: `${answer.reason} with ${order.filledQuantity.toString()} filled`,
      resolution: by.resolution,
      data: {
        finalFilledQuantity: answer.filledQuantity,
        statusReason: answer.reason,
        ...(answer.brokerOrderId ? { brokerOrderId: answer.brokerOrderId } : {}),
      },
      detail: { ...by.detail, brokerFilledQuantity: answer.filledQuantity.toString() },
    });
  }
  // Fills the broker reported are still on their way: the order closes when the ledger has them all (fills.ts).
  await confirmTcc(tx, order, by.resolution);
  return changeOrder(tx, order, {
    kind: order.status === "PENDING_CANCEL" ? "CANCEL_CONFIRMED" : "BROKER_CLOSED",
    actor: by.actor,
    cause: `${answer.reason}; waiting for fills up to ${answer.filledQuantity.toString()} (have ${order.filledQuantity.toString()})`,
    status: "PENDING_CANCEL",
    data: {
      finalFilledQuantity: answer.filledQuantity,
      ...(answer.brokerOrderId ? { brokerOrderId: answer.brokerOrderId } : {}),
    },
    detail: { ...by.detail, brokerFilledQuantity: answer.filledQuantity.toString(), closesAs: answer.status },
  });
}

async function cancelRefused(
  tx: Tx,
  order: Order,
  answer: Extract<BrokerAnswer, { kind: "CANCEL_REFUSED" }>,
  by: Answerer,
): Promise<Order> {
  if (order.status !== "PENDING_CANCEL") return notApplied(tx, order, answer, by);
  await confirmTcc(tx, order, by.resolution);
  return changeOrder(tx, order, {
    kind: "CANCEL_REJECTED",
    actor: by.actor,
    cause: `${order.brokerId}: ${answer.reason}`,
    status: order.filledQuantity.isZero() ? "ACCEPTED" : "PARTIALLY_FILLED",
    detail: by.detail,
  });
}

/** An answer that no longer applies: kept on the timeline (an accept after we closed is a mismatch to look at). */
async function notApplied(tx: Tx, order: Order, answer: BrokerAnswer, by: Answerer): Promise<Order> {
  const acceptedAfterClose = answer.kind === "WORKING" && isTerminal(order.status);
  await recordOrderEvent(tx, order.id, {
    kind: acceptedAfterClose ? "ACCEPTED_AFTER_CLOSE" : "ANSWER_NOT_APPLIED",
    actor: by.actor,
    cause: `${describe(answer)} arrived while the order is ${order.status}${order.filledQuantity.isZero() ? "" : ` with ${order.filledQuantity.toString()} filled`}; not applied`,
    detail: { ...by.detail, answer: answer.kind, status: order.status },
  });
  return order;
}

function describe(answer: BrokerAnswer): string {
  switch (answer.kind) {
    case "WORKING":
      return `the broker has it (${answer.brokerOrderId})`;
    case "REJECTED":
      return `a rejection (${answer.reason})`;
    case "CLOSED":
      return `the broker closed it as ${answer.status} with ${answer.filledQuantity.toString()} filled`;
    case "CANCEL_REFUSED":
      return `a refused cancel (${answer.reason})`;
  }
}
