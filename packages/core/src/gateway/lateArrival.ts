// A request we stopped waiting for may still reach the broker: a slow link delivers it late. Until the late-arrival
// window has passed, "the broker has no such order" proves nothing — the order may be about to arrive — so neither a
// cancel nor an operator may close the order on it. The window runs from when we stopped waiting for an attempt that
// got no answer (its OUTCOME_UNKNOWN or GAVE_UP event), which is never before that request left for the broker,
// however long it queued in the broker's pool first. An attempt the broker answered (a 5xx) or that was never sent (pool
// full, circuit open) cannot arrive later and opens no window.
import type { Order, PrismaClient, Tx } from "@meridian/db";

/** Reasons of an unknown outcome whose request cannot still be on its way. */
const SETTLED_REASONS = new Set(["SERVER_ERROR", "NOT_SENT"]);

/**
 * Milliseconds until no submit of ours can still arrive at the broker; 0 when none can, Infinity while one is in
 * flight.
 */
export async function submitMayArriveForMs(
  db: PrismaClient | Tx,
  order: Pick<Order, "id" | "status">,
  lateArrivalMs: number,
  now = Date.now(),
): Promise<number> {
  if (order.status === "SUBMITTING") return Number.POSITIVE_INFINITY;
  const events = await db.orderEvent.findMany({
    where: { orderId: order.id, kind: { in: ["SUBMIT_ATTEMPT", "OUTCOME_UNKNOWN", "GAVE_UP"] } },
    orderBy: { id: "asc" },
    select: { kind: true, createdAt: true, detail: true },
  });
  let openSince: number | null = null;
  for (const event of events) {
    const reason = (event.detail as { reason?: string } | null)?.reason;
    if (event.kind !== "SUBMIT_ATTEMPT" && !SETTLED_REASONS.has(reason ?? "")) openSince = event.createdAt.getTime();
  }
  // An attempt with no outcome recorded after it (its worker died while the order moved on) counts from its start.
  const last = events.at(-1);
  if (last?.kind === "SUBMIT_ATTEMPT") openSince = Math.max(openSince ?? 0, last.createdAt.getTime());
  return openSince === null ? 0 : Math.max(0, openSince + lateArrivalMs - now);
}
