// What a saga did for an order, on the order's own timeline (the operator reads one history; the customer's screen
// hears of it through the order feed). Written once per kind: a step run again after a crash adds nothing.
import { recordOrderEvent } from "../orders/lifecycle";
import type { CoreServices } from "../services";

export async function noteOnOrder(
  services: CoreServices,
  orderId: string,
  note: { kind: "PAID_IN_WON" | "WON_REFUNDED"; sagaId: string; cause: string },
): Promise<void> {
  await services.prisma.$transaction(async (tx) => {
    const written = await tx.orderEvent.findFirst({ where: { orderId, kind: note.kind }, select: { id: true } });
    if (written) return;
    await recordOrderEvent(tx, orderId, {
      kind: note.kind,
      actor: `saga:${note.sagaId}`,
      cause: note.cause,
      detail: { sagaId: note.sagaId },
    });
  });
}
