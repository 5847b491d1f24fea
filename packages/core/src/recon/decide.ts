// An operator's decision on a reconciliation item. Approval applies the proposed fix in one transaction with the item's
// CAS and the audit row: under the account lock when it changes an order, through the orders module's own answers
// (orders/brokerAnswers.ts settles the TCC reservation). The fix is applied only to the order state it was proposed
// against; if the order moved since the run, nothing changes and the operator is told to run reconciliation again.
import type { DbOrTx, Order, Prisma, ReconFix, Tx } from "@meridian/db";
import { recordAudit, requireReason } from "../audit/audit";
import type { RowState } from "../operator/bulk";
import { refuse, type Plan } from "../operator/plan";
import { applyBrokerAnswer } from "../orders/brokerAnswers";
import { recordOrderEvent } from "../orders/lifecycle";
import type { OperatorCtx } from "../services";
import { inAccountTransaction } from "../lock/accountTransaction";
import { DomainError } from "../shared/errors";
import { qty } from "../shared/money";
import { FIX_DESCRIPTIONS, getReconItem, type ReconItemDetail, type ReconItemView } from "./queries";
import type { ReconDecision, TReconDecideInput } from "./recon.schema";

type ItemRow = Prisma.ReconItemGetPayload<object>;

const ORDER_FIXES: ReadonlySet<ReconFix> = new Set(["CLOSE_CANCELLED", "CLOSE_REJECTED", "MARK_ACCEPTED"]);

export interface DecideRequest {
  /** `batchId` when the decision is one row of a bulk decision; the audit row carries it. */
  ctx: OperatorCtx;
  input: TReconDecideInput;
}

export async function decideReconItem({ ctx, input }: DecideRequest): Promise<ReconItemView> {
  const { services, actor } = ctx;
  const reason = requireReason(input.reason);
  const item = await itemToDecide(services.prisma, input.itemId);
  const plan = planReconDecision(item, input.decision);
  if (!plan.applicable) throw plan.refusal;
  const batch: Record<string, string> = {
    ...(ctx.batchId ? { batchId: ctx.batchId } : {}),
    ...(item.id !== input.itemId ? { decidedOnItemId: input.itemId } : {}),
  };
  const cause = `reconciliation ${input.decision === "APPROVE" ? "fix" : "rejection"} (${item.mismatchClass}): ${reason}`;

  if (input.decision === "APPROVE" && ORDER_FIXES.has(item.proposedFix)) {
    const { accountId } = await services.prisma.order.findUniqueOrThrow({
      where: { id: item.orderId! },
      select: { accountId: true },
    });
    await inAccountTransaction(services, accountId, { actor, cause }, async (tx) => {
      await markDecided(tx, item, "APPLIED", actor, reason);
      const order = await tx.order.findUniqueOrThrow({ where: { id: item.orderId! } });
      const onOrder = planReconDecision(item, input.decision, order);
      if (!onOrder.applicable) throw onOrder.refusal;
      const after = await applyOrderFix(tx, item, order, actor, reason);
      await recordAudit(
        tx,
        auditEntry(item, actor, reason, "approve", {
          orderStatusBefore: order.status,
          orderStatusAfter: after.status,
          ...batch,
        }),
      );
    });
  } else {
    // Acknowledging or rejecting changes no order: the item, the audit row and a note on the order's timeline.
    await services.prisma.$transaction(async (tx) => {
      await markDecided(tx, item, input.decision === "APPROVE" ? "APPLIED" : "REJECTED", actor, reason);
      await recordAudit(
        tx,
        auditEntry(item, actor, reason, input.decision === "APPROVE" ? "acknowledge" : "reject", batch),
      );
      if (item.orderId) {
        await recordOrderEvent(tx, item.orderId, {
          kind: input.decision === "APPROVE" ? "RECON_ACKNOWLEDGED" : "RECON_FIX_REJECTED",
          actor,
          cause: `${item.mismatchClass}: ${reason}`,
          detail: { reconItemId: item.id, proposedFix: item.proposedFix },
        });
      }
    });
  }
  return getReconItem(services.prisma, item.id);
}

/**
 * The item a decision on `itemId` applies to. Every run that finds a mismatch again supersedes the open proposal with
 * an item of its own, so a scheduled run can land while an operator is typing a reason on the older one. When the
 * newest item of the same mismatch proposes the same fix against the same state of our order, it is the same proposal:
 * the decision goes to it (or is refused naming who already decided it). Otherwise the superseded item stands.
 */
async function itemToDecide(db: DbOrTx, itemId: string): Promise<ItemRow> {
  const item = await db.reconItem.findUnique({ where: { id: itemId } });
  if (!item) throw new DomainError("NOT_FOUND", "No reconciliation item with that id. Refresh the report.");
  if (item.status !== "SUPERSEDED") return item;
  const newest = await db.reconItem.findFirst({
    where: { brokerId: item.brokerId, fingerprint: item.fingerprint, createdAt: { gt: item.createdAt } },
    orderBy: { createdAt: "desc" },
  });
  return newest && newest.proposedFix === item.proposedFix && sameBasis(newest, item) ? newest : item;
}

function sameBasis(a: ItemRow, b: ItemRow): boolean {
  const basis = (item: ItemRow) => (item.detail as unknown as ReconItemDetail).ours;
  const [left, right] = [basis(a), basis(b)];
  return left?.status === right?.status && left?.filledQuantity === right?.filledQuantity;
}

/** The item's state as the bulk preview saw it: its status and version. */
export async function reconRowState(db: DbOrTx, itemId: string): Promise<RowState | null> {
  const item = await db.reconItem.findUnique({ where: { id: itemId }, select: { status: true, version: true } });
  return item && { state: item.status, version: item.version };
}

/**
 * What `decision` would do to this item now, or why it is refused. Without `order` it checks the item alone (the
 * handler's first look); with the item's order it also checks that the fix still fits the order's state.
 */
export function planReconDecision(item: ItemRow, decision: ReconDecision, order?: Order | null): Plan {
  const undecided = undecidedRefusal(item);
  if (undecided) return undecided;
  if (decision === "REJECT")
    return {
      applicable: true,
      willDo: `Reject the proposed fix (${item.proposedFix}); no order changes, the order's timeline notes it.`,
    };
  if (item.proposedFix === "ACKNOWLEDGE")
    return { applicable: true, willDo: "Acknowledge it as settled by hand with the broker; no order changes." };
  if (!ORDER_FIXES.has(item.proposedFix))
    return refuse(
      `a ${item.proposedFix} item is applied by the run itself.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `A ${item.proposedFix} item is applied by the run itself; there is nothing to approve.`,
      ),
    );
  if (!item.orderId)
    return refuse(
      "this item names no order of ours.",
      new DomainError("PRECONDITION_FAILED", "This item names no order of ours; there is nothing to change."),
    );
  if (order === undefined) return { applicable: true, willDo: FIX_DESCRIPTIONS[item.proposedFix] };
  if (order === null)
    return refuse(
      "the item's order no longer exists.",
      new DomainError("NOT_FOUND", "The order this item names no longer exists; nothing was changed."),
    );
  return basisRefusal(item, order) ?? { applicable: true, willDo: FIX_DESCRIPTIONS[item.proposedFix] };
}

function undecidedRefusal(item: ItemRow): Plan | null {
  const by = `${item.decidedBy ?? "?"} at ${item.decidedAt?.toISOString() ?? "?"}`;
  switch (item.status) {
    case "PROPOSED":
      return null;
    case "APPLIED":
      return refuse(
        `already applied by ${by}.`,
        new DomainError("PRECONDITION_FAILED", `This fix was already applied by ${by}; nothing was changed.`),
      );
    case "AUTO_APPLIED":
      return refuse(
        "already ingested automatically by the run.",
        new DomainError(
          "PRECONDITION_FAILED",
          "This execution was already ingested automatically by the run; there is nothing to decide.",
        ),
      );
    case "REJECTED":
      return refuse(
        `already rejected by ${by}.`,
        new DomainError(
          "PRECONDITION_FAILED",
          `This fix was rejected by ${by} ("${item.reason}"); nothing was changed. Run reconciliation again for a new proposal.`,
        ),
      );
    case "SUPERSEDED":
      return refuse(
        `superseded: ${item.reason}.`,
        new DomainError(
          "PRECONDITION_FAILED",
          `This item was superseded: ${item.reason}. Decide the newest item instead; nothing was changed.`,
        ),
      );
  }
}

/** Claims the decision: a second decision, concurrent or later, misses the CAS and the whole transaction rolls back. */
async function markDecided(
  tx: Tx,
  item: ItemRow,
  status: "APPLIED" | "REJECTED",
  actor: string,
  reason: string,
): Promise<void> {
  const { count } = await tx.reconItem.updateMany({
    where: { id: item.id, version: item.version, status: "PROPOSED" },
    data: { status, decidedBy: actor, decidedAt: new Date(), reason, version: { increment: 1 } },
  });
  if (count !== 1)
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This item was decided by someone else a moment ago; nothing was changed. Refresh the report.",
    );
}

function basisRefusal(item: ItemRow, order: Order): Plan | null {
  const basis = (item.detail as unknown as ReconItemDetail).ours;
  if (!basis)
    return refuse(
      "the item records no state of our order to apply the fix to.",
      new DomainError(
        "PRECONDITION_FAILED",
        "This item records no state of our order to apply the fix to; nothing was changed.",
      ),
    );
  if (order.status !== basis.status || qty(order.filledQuantity) !== basis.filledQuantity) {
    return refuse(
      `the order is now ${order.status} with ${qty(order.filledQuantity)} filled, not ${basis.status} with ${basis.filledQuantity} as when the fix was proposed; run reconciliation again.`,
      new DomainError(
        "PRECONDITION_FAILED",
        `Order ${order.id} is now ${order.status} with ${qty(order.filledQuantity)} filled; the fix was proposed when it was ${basis.status} with ${basis.filledQuantity} filled. Nothing was changed; run reconciliation again.`,
      ),
    );
  }
  return null;
}

/** The fix, told to orders/ as what the broker's records say; orders/ decides what that means for the order now. */
async function applyOrderFix(tx: Tx, item: ItemRow, order: Order, actor: string, reason: string): Promise<Order> {
  const detail = item.detail as unknown as ReconItemDetail;
  const brokerSays = detail.broker
    ? `${item.brokerId} reports it ${detail.broker.status}`
    : `${item.brokerId} has no such order`;
  const by = {
    actor,
    via: "recon" as const,
    resolution: { by: actor, reason },
    detail: { reconItemId: item.id, mismatchClass: item.mismatchClass, reason },
  };
  switch (item.proposedFix) {
    case "CLOSE_CANCELLED":
      return applyBrokerAnswer(
        tx,
        order,
        {
          kind: "CLOSED",
          status: "CANCELLED",
          filledQuantity: order.filledQuantity,
          reason: `closed by reconciliation: ${brokerSays}`,
        },
        by,
      );
    case "CLOSE_REJECTED":
      return applyBrokerAnswer(tx, order, { kind: "REJECTED", reason: `closed by reconciliation: ${brokerSays}` }, by);
    case "MARK_ACCEPTED":
      return applyBrokerAnswer(
        tx,
        order,
        { kind: "WORKING", brokerOrderId: detail.broker?.brokerOrderId ?? order.brokerOrderId ?? "unknown" },
        by,
      );
    default:
      throw new DomainError("PRECONDITION_FAILED", `${item.proposedFix} does not change an order.`);
  }
}

function auditEntry(
  item: ItemRow,
  actor: string,
  reason: string,
  verb: "approve" | "acknowledge" | "reject",
  extra: Record<string, string> = {},
) {
  return {
    actor,
    action: `recon.${verb}`,
    targetType: "recon_item",
    targetId: item.id,
    reason,
    detail: {
      runId: item.runId,
      brokerId: item.brokerId,
      mismatchClass: item.mismatchClass,
      proposedFix: item.proposedFix,
      orderId: item.orderId,
      clientOrderId: item.clientOrderId,
      execId: item.execId,
      ...extra,
    },
  };
}
