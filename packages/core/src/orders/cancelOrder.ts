// A customer's cancel. An order the gateway has not picked up yet is cancelled here and now (the gateway's own CAS
// from PENDING_NEW then misses, so it never reaches the broker); any other open order becomes PENDING_CANCEL and the
// gateway asks the broker.
import type { Order } from "@meridian/db";
import { TOPICS } from "../messaging/topics";
import { writeOutbox } from "../messaging/outbox";
import type { AccountRef, CoreServices } from "../services";
import { inAccountTransaction } from "../shared/accountTx";
import { DomainError } from "../shared/errors";
import { closeOrder } from "./closeOrder";
import { isTerminal } from "./status";
import { changeOrder } from "./transition";

export interface CancelOrderArgs {
  ctx: { services: CoreServices; account: AccountRef; actor: string };
  input: { orderId: string };
}

export async function cancelOrder({ ctx, input }: CancelOrderArgs): Promise<Order> {
  return inAccountTransaction(ctx.services, ctx.account.id, { actor: ctx.actor, cause: "customer cancel" }, async (tx) => {
    const order = await tx.order.findFirst({ where: { id: input.orderId, accountId: ctx.account.id } });
    if (!order) throw new DomainError("NOT_FOUND", "No such order on your account. Refresh your orders list.");
    if (isTerminal(order.status)) {
      throw new DomainError("PRECONDITION_FAILED", `This order is already ${order.status.toLowerCase()}; there is nothing left to cancel.`);
    }
    if (order.status === "PENDING_CANCEL") return order;
    if (order.status === "PENDING_NEW") {
      return closeOrder(tx, order, "CANCELLED", { kind: "CANCELLED", actor: ctx.actor, cause: "cancelled by the customer before it was sent to the broker" });
    }
    const pending = await changeOrder(tx, order, { kind: "CANCEL_REQUESTED", actor: ctx.actor, cause: "cancel requested by the customer", status: "PENDING_CANCEL" });
    await writeOutbox(tx, { topic: TOPICS.orderCommands, key: order.id, eventType: "CancelRequested", payload: { orderId: order.id } });
    return pending;
  });
}
