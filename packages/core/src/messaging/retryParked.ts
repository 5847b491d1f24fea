// An operator's "retry now" for a parked message: the sweeper runs it on its next pass instead of at its slow retry
// time. Nothing runs here (the handlers live in the worker); the request and its audit row commit together.
import { recordAudit, requireReason } from "../audit/audit";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import type { TRetryParkedInput } from "./retryParked.schema";

export interface RetryParkedRequest {
  ctx: { services: Pick<CoreServices, "prisma">; actor: string };
  input: TRetryParkedInput;
}

export async function retryParkedMessage({
  ctx,
  input,
}: RetryParkedRequest): Promise<{ messageId: string; key: string }> {
  const reason = requireReason(input.reason);
  return ctx.services.prisma.$transaction(async (tx) => {
    const [message] = await tx.$queryRaw<
      { topic: string; key: string; eventType: string; attempts: number; lastError: string | null }[]
    >`
      UPDATE outbox_events SET retry_at = clock_timestamp()
       WHERE id = ${input.messageId}::uuid AND parked_at IS NOT NULL AND consumed_at IS NULL
      RETURNING topic, key, event_type AS "eventType", attempts, last_error AS "lastError"`;
    if (!message) {
      throw new DomainError(
        "NOT_FOUND",
        `Message ${input.messageId} is not parked: it went through already, or it is not a message of this system. Refresh the list; nothing was changed.`,
      );
    }
    await recordAudit(tx, {
      actor: ctx.actor,
      action: "message.retry",
      targetType: "outbox_event",
      targetId: input.messageId,
      reason,
      detail: message,
    });
    return { messageId: input.messageId, key: message.key };
  });
}
