// An operator's review of a Quarantine entry: who looked at a refused callback or a ledger refusal, when, and what
// they concluded. The review row and its audit row are written in one transaction; an entry is reviewed once.
import type { DbOrTx, Prisma, Tx } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import type { RowState } from "../operator/bulk";
import { refuse, type Plan } from "../operator/plan";
import type { OperatorCtx } from "../services";
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
  /** `batchId` when the review is one row of a bulk decision; the audit row carries it. */
  ctx: OperatorCtx & { user: { userId: string } };
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
    const earlier = await tx.quarantineReview.findUnique({ where: entryId, select: REVIEW_SELECT });
    const plan = planQuarantineReview(input.key, auditDetail !== null, earlier && reviewView(earlier));
    if (!plan.applicable) throw plan.refusal;
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
      detail: { ...auditDetail!, ...(ctx.batchId ? { batchId: ctx.batchId } : {}) },
    });
    return reviewView(stored);
  });
  return { key: input.key, review };
}

/** The entry's state as the bulk preview saw it ("OPEN@0", "REVIEWED@1"), with its review; null when it is gone. */
export async function quarantineRowState(
  db: DbOrTx,
  key: string,
): Promise<{ state: RowState; review: QuarantineReviewView | null } | null> {
  const { table, id } = parseQuarantineKey(key);
  const entryId = table === "callback" ? { refusedCallbackId: id } : { orderEventId: id };
  const [exists, review] = await Promise.all([
    table === "callback"
      ? db.refusedCallback.count({ where: { id } })
      : db.orderEvent.count({ where: { id, kind: LEDGER_REFUSAL_KIND } }),
    db.quarantineReview.findUnique({ where: entryId, select: REVIEW_SELECT }),
  ]);
  if (!exists) return null;
  return {
    state: review ? { state: "REVIEWED", version: 1 } : { state: "OPEN", version: 0 },
    review: review && reviewView(review),
  };
}

/** Whether the entry can be reviewed now: it exists and nobody reviewed it yet. */
export function planQuarantineReview(key: string, exists: boolean, review: QuarantineReviewView | null): Plan {
  if (!exists)
    return refuse(
      "no such entry; refused callbacks are pruned after their retention period.",
      new DomainError(
        "NOT_FOUND",
        `No Quarantine entry ${key}: refused callbacks are pruned after their retention period. Refresh the Quarantine; nothing was changed.`,
      ),
    );
  if (review) return refuse(`already reviewed by ${review.byEmail} at ${review.at}.`, alreadyReviewed(key, review));
  return { applicable: true, willDo: "Mark it reviewed with your reason; nothing else changes." };
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
