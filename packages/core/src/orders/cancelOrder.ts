// A cancel, asked by the customer or an operator. An order the gateway has not picked up yet is cancelled here and
// now (the gateway's own CAS from PENDING_NEW then misses, so it never reaches the broker); any other open order
// becomes PENDING_CANCEL and the gateway asks the broker, whose answer (brokerAnswers.ts) decides how it ends.
import type { Order, Tx } from "@meridian/db";
import type { AccountRef, CoreServices } from "../services";
import { inAccountTransaction } from "../lock/accountTransaction";
import { DomainError } from "../shared/errors";
import { closeOrder } from "./closeOrder";
import { writeOrderCommand } from "./commands";
import { changeOrder } from "./lifecycle";
import { isTerminal } from "./status";

export interface CancelOrderArgs {
  ctx: { services: CoreServices; account: AccountRef; actor: string };
  input: { orderId: string };
}

export async function cancelOrder({ ctx, input }: CancelOrderArgs): Promise<Order> {
  return inAccountTransaction(
    ctx.services,
    ctx.account.id,
    { actor: ctx.actor, cause: "customer cancel" },
    async (tx) => {
      const order = await tx.order.findFirst({ where: { id: input.orderId, accountId: ctx.account.id } });
      if (!order) throw new DomainError("NOT_FOUND", "No such order on your account. Refresh your orders list.");
      return requestCancel(tx, order, { actor: ctx.actor, cause: "cancel requested by the customer" });
    },
  );
}

/** Cancels an unsent order at once, or asks the broker; idempotent for an order already being cancelled. */
export async function requestCancel(tx: Tx, order: Order, by: { actor: string; cause: string }): Promise<Order> {
  if (isTerminal(order.status)) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `This order is already ${order.status.toLowerCase()}; there is nothing left to cancel.`,
    );
  }
  if (order.status === "PENDING_CANCEL") return order;
  if (order.status === "PENDING_NEW") {
    return closeOrder(tx, order, "CANCELLED", {
      kind: "CANCELLED",
      actor: by.actor,
      cause: `${by.cause}; cancelled before it was sent to the broker`,
    });
  }
  const pending = await changeOrder(tx, order, {
    kind: "CANCEL_REQUESTED",
    actor: by.actor,
    cause: by.cause,
    status: "PENDING_CANCEL",
    data: { nextAttemptAt: null },
  });
  await writeOrderCommand(tx, { kind: "CancelRequested", orderId: order.id, brokerId: order.brokerId });
  return pending;
}
