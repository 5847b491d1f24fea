// The order lifecycle: which status may follow which, and on which kind of event. `changeOrder` is the one function
// that changes an order row, and it refuses any move this table does not list, so a late, duplicated or misread
// answer can never walk an order backwards or reopen a closed one. Modules outside `orders/` never pick a status:
// they hand `orders/` an answer (brokerAnswers.ts), a fill (fills.ts) or a request (cancel, expiry), and the
// functions there decide what it means for the order as it is now.
import { Prisma, type Order, type OrderStatus, type Tx } from "@meridian/db";
import { appendOrderEvent } from "../shared/appendOnly";
import { ConcurrencyError } from "../shared/errors";
import { isTerminal } from "./status";

/** The same meaning, told by the gateway (from the broker), by an operator, or by an approved reconciliation fix. */
const byAnyone = <K extends string>(kind: K) => [kind, `OPERATOR_${kind}`, `RECON_${kind}`] as const;
const ACCEPTED = byAnyone("ACCEPTED");
const REJECTED = byAnyone("REJECTED");
const CANCELLED = byAnyone("CANCELLED");
const EXPIRED = byAnyone("EXPIRED");
/** The broker's fills (FILL moves to PARTIALLY_FILLED, FILLED completes). */
const FILLS = { PARTIALLY_FILLED: ["FILL"], FILLED: ["FILLED"] } as const;
/** Every open order can be asked to cancel, can be closed by the broker, and fills. */
const OPEN = {
  ...FILLS,
  PENDING_CANCEL: ["CANCEL_REQUESTED", "BROKER_CLOSED"],
  CANCELLED,
  EXPIRED,
} as const;

/**
 * from → to → the event kinds that may cause it. Moves not listed are refused. An event that leaves the status as it
 * is needs no entry, except on a terminal order (see TERMINAL_AMENDMENTS).
 */
export const TRANSITIONS: { readonly [From in OrderStatus]: { readonly [To in OrderStatus]?: readonly string[] } } = {
  PENDING_NEW: { SUBMITTING: ["SUBMIT_ATTEMPT"], CANCELLED: ["CANCELLED"], EXPIRED: ["EXPIRED"] },
  SUBMITTING: { ...OPEN, ACCEPTED, REJECTED, UNKNOWN: ["OUTCOME_UNKNOWN"], NEEDS_ATTENTION: ["GAVE_UP"] },
  UNKNOWN: { ...OPEN, SUBMITTING: ["SUBMIT_ATTEMPT"], ACCEPTED, REJECTED },
  NEEDS_ATTENTION: { ...OPEN, UNKNOWN: ["OPERATOR_RETRY"], ACCEPTED, REJECTED },
  // Only reconciliation, finding no trace of it at the broker, may call an accepted order rejected.
  ACCEPTED: { ...OPEN, REJECTED: ["RECON_REJECTED"] },
  PARTIALLY_FILLED: { ...OPEN },
  // Fills keep it pending; the broker's refusal of the cancel (it had filled, or keeps working) goes back to what the
  // fills say.
  PENDING_CANCEL: {
    FILLED: ["FILLED"],
    CANCELLED,
    EXPIRED,
    REJECTED,
    ACCEPTED: ["CANCEL_REJECTED"],
    PARTIALLY_FILLED: ["CANCEL_REJECTED"],
  },
  FILLED: {},
  // Terminal is final, but a real execution for an order we closed is still a trade (fills.ts): it is booked, and
  // the order that the broker filled completely says FILLED.
  CANCELLED: { FILLED: ["LATE_FILL"] },
  REJECTED: { FILLED: ["LATE_FILL"] },
  EXPIRED: { FILLED: ["LATE_FILL"] },
};

/**
 * The only changes a terminal order still takes without changing status: a late fill, and giving back a hold left
 * behind.
 */
const TERMINAL_AMENDMENTS: ReadonlySet<string> = new Set(["LATE_FILL", "RESERVATION_RELEASED"]);

export function mayTransition(from: OrderStatus, to: OrderStatus, kind: string): boolean {
  return TRANSITIONS[from][to]?.includes(kind) ?? false;
}

/**
 * A status change the lifecycle does not allow: a bug in the caller, never a business outcome. Aborts the transaction.
 */
export class IllegalTransitionError extends Error {
  constructor(
    readonly orderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    readonly kind: string,
  ) {
    super(`order ${orderId}: ${kind} may not move ${from} → ${to}`);
    this.name = "IllegalTransitionError";
  }
}

export function assertTransition(
  order: Pick<Order, "id" | "status">,
  change: Pick<OrderChange, "kind" | "status">,
): void {
  const to = change.status ?? order.status;
  const allowed =
    to === order.status
      ? !isTerminal(order.status) || TERMINAL_AMENDMENTS.has(change.kind)
      : mayTransition(order.status, to, change.kind);
  if (!allowed) throw new IllegalTransitionError(order.id, order.status, to, change.kind);
}

export interface OrderChange {
  kind: string;
  actor: string;
  cause: string;
  status?: OrderStatus;
  data?: Omit<Prisma.OrderUpdateManyMutationInput, "status" | "version">;
  detail?: Prisma.InputJsonValue;
}

/**
 * The one way an order row changes: the lifecycle check, a compare-and-set on version, and a timeline event beside it.
 */
export async function changeOrder(tx: Tx, order: Order, change: OrderChange): Promise<Order> {
  assertTransition(order, change);
  // The CAS and the read of the row as it now is, in one statement.
  const [changed] = await tx.order.updateManyAndReturn({
    where: { id: order.id, version: order.version },
    data: { ...change.data, ...(change.status ? { status: change.status } : {}), version: { increment: 1 } },
  });
  if (!changed) throw new ConcurrencyError("order", order.id);
  const moved = change.status && change.status !== order.status;
  await recordOrderEvent(tx, order.id, {
    kind: change.kind,
    actor: change.actor,
    cause: change.cause,
    fromStatus: moved ? order.status : null,
    toStatus: moved ? change.status : null,
    detail: change.detail,
  });
  return changed;
}

/** A timeline entry that changes nothing: an answer that no longer applies, a refusal, a note. */
export async function recordOrderEvent(
  tx: Tx,
  orderId: string,
  event: {
    kind: string;
    actor: string;
    cause: string;
    fromStatus?: OrderStatus | null;
    toStatus?: OrderStatus | null;
    detail?: Prisma.InputJsonValue;
  },
): Promise<void> {
  await appendOrderEvent(tx, { orderId, ...event });
}

/** recordOrderEvent's row as an INSERT for a caller to embed in a statement of its own (placeOrder's opening one). */
export function orderEventInsert(
  orderId: string,
  event: { kind: string; actor: string; cause: string; toStatus: OrderStatus; detail: Prisma.InputJsonValue },
): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO order_events (order_id, kind, to_status, actor, cause, detail)
    VALUES (${orderId}::uuid, ${event.kind}, ${event.toStatus}::"OrderStatus", ${event.actor}, ${event.cause},
            ${JSON.stringify(event.detail)}::jsonb)`;
}
