// An operator's review of a Quarantine entry: who looked at a refused callback or a ledger refusal, when, and what
// they concluded. The review row and its audit row are written in one transaction; an entry is reviewed once.
import type { Prisma, Tx } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import {
  LEDGER_REFUSAL_KIND,
  parseQuarantineKey,
  REVIEW_SELECT,
  reviewView,
  type QuarantineReviewView,
  type QuarantineTable,
} from "./quarantine";
import type { TQuarantineReviewInput } from "./quarantine.schema";

export interface ReviewRequest {
  ctx: { services: CoreServices; actor: string; user: { userId: string } };
  input: TQuarantineReviewInput;
}

export async function reviewQuarantineEntry({
  ctx,
  input,
}: ReviewRequest): Promise<{ key: string; review: QuarantineReviewView }> {
  const reason = requireReason(input.reason);
  const { table, id } = parseQuarantineKey(input.key);
  const entryId = table === "callback" ? { refusedCallbackId: id } : { orderEventId: id };
  const review = await ctx.services.prisma.$transaction(async (tx) => {
    const auditDetail = await entryAuditDetail(tx, table, id);
    if (!auditDetail) {
      throw new DomainError(
        "NOT_FOUND",
        `No Quarantine entry ${input.key}: refused callbacks are pruned after their retention period. Refresh the Quarantine; nothing was changed.`,
      );
    }
    // The unique index decides between two operators reviewing at once: the later insert skips, and is told who won.
    const { count } = await tx.quarantineReview.createMany({
      data: [{ ...entryId, reviewedBy: ctx.user.userId, reason }],
      skipDuplicates: true,
    });
    const stored = await tx.quarantineReview.findUniqueOrThrow({ where: entryId, select: REVIEW_SELECT });
    if (count === 0) throw alreadyReviewed(input.key, reviewView(stored));
    await recordAudit(tx, {
      actor: ctx.actor,
      action: "quarantine.review",
      targetType: "quarantine_entry",
      targetId: input.key,
      reason,
      detail: auditDetail,
    });
    return reviewView(stored);
  });
  return { key: input.key, review };
}

/** What the audit row records about the entry, or null when there is no such entry. */
async function entryAuditDetail(tx: Tx, table: QuarantineTable, id: bigint): Promise<Prisma.InputJsonObject | null> {
  if (table === "callback") {
    const callback = await tx.refusedCallback.findUnique({ where: { id } });
    if (!callback) return null;
    return {
      source: "RECEIVER",
      brokerId: callback.brokerId,
      reasonCode: callback.reasonCode,
      execId: callback.execId,
      orderId: callback.orderId,
    };
  }
  const event = await tx.orderEvent.findFirst({
    where: { id, kind: LEDGER_REFUSAL_KIND },
    include: { order: { select: { brokerId: true } } },
  });
  if (!event) return null;
  const { execId } = (event.detail ?? {}) as { execId?: string };
  return {
    source: "LEDGER",
    brokerId: event.order.brokerId,
    reasonCode: LEDGER_REFUSAL_KIND,
    execId: execId ?? null,
    orderId: event.orderId,
  };
}

function alreadyReviewed(key: string, review: QuarantineReviewView): DomainError {
  return new DomainError(
    "CONFLICT",
    `${key} was already reviewed by ${review.byEmail} at ${review.at} ("${review.reason}"); nothing was changed. It is listed under Reviewed.`,
  );
}
