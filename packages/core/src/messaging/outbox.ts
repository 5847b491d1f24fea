import type { Prisma, Tx } from "@meridian/db";
import type { Topic } from "./topics";

/** Written in the caller's transaction: the event exists if and only if the change that caused it committed. */
export async function writeOutbox(
  tx: Tx,
  event: { topic: Topic; key: string; eventType: string; payload: Prisma.InputJsonValue },
): Promise<void> {
  await tx.outboxEvent.create({ data: event });
}
