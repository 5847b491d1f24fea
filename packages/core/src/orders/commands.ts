// What `orders/` asks the gateway to say to a broker, as messages on the outbox (the order's broker's topic,
// orders.commands.<brokerId>, so one broker's backlog never delays another's; keyed by order id so one order's commands
// are handled one at a time, in order). A typed union: the kind names the request, the payload is the same for every
// kind, and a reader gets a checked command or null, never a cast.
import { randomUUID } from "node:crypto";
import { Prisma, type Tx } from "@meridian/db";
import { z } from "zod";
import { writeOutbox } from "../messaging/outbox";
import { orderCommandsTopic, type OutboxMessage } from "../messaging/topics";

export const ORDER_COMMAND_KINDS = ["OrderPlaced", "RetrySubmit", "CancelRequested"] as const;
export type OrderCommandKind = (typeof ORDER_COMMAND_KINDS)[number];

const ZOrderCommandPayload = z.object({ orderId: z.uuid() });

export type OrderCommand = { kind: OrderCommandKind } & z.infer<typeof ZOrderCommandPayload>;

/** Writes the command on the topic of the order's broker (the order row's `brokerId`); the message does not carry it. */
export async function writeOrderCommand(tx: Tx, command: OrderCommand & { brokerId: string }): Promise<void> {
  await writeOutbox(tx, {
    topic: orderCommandsTopic(command.brokerId),
    key: command.orderId,
    eventType: command.kind,
    payload: { orderId: command.orderId },
  });
}

/**
 * writeOrderCommand's outbox row as an INSERT for a caller to embed in a statement of its own (placeOrder's opening
 * one): the same columns writeOutbox writes, the rest left to the table's defaults.
 */
export function orderCommandInsert(command: OrderCommand & { brokerId: string }): Prisma.Sql {
  const payload = { orderId: command.orderId } satisfies z.infer<typeof ZOrderCommandPayload>;
  return Prisma.sql`
    INSERT INTO outbox_events (id, topic, key, event_type, payload)
    VALUES (${randomUUID()}::uuid, ${orderCommandsTopic(command.brokerId)}, ${command.orderId}, ${command.kind}, ${JSON.stringify(payload)}::jsonb)`;
}

/** The command a message carries, or null for a kind or payload this version does not know. */
export function readOrderCommand(message: Pick<OutboxMessage, "eventType" | "payload">): OrderCommand | null {
  const kind = ORDER_COMMAND_KINDS.find((known) => known === message.eventType);
  const payload = ZOrderCommandPayload.safeParse(message.payload);
  return kind && payload.success ? { kind, ...payload.data } : null;
}
