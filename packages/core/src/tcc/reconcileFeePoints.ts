// Our record of each fee points branch against the points service's report of its reservations (its fence rows): the
// same 대사 as with the brokers and the FX desk, across the one TCC boundary that is a network. A branch whose end is
// still being delivered (CONFIRMING, CANCELLING) is in flight, not a mismatch; anything else that differs is.
import type { PrismaClient } from "@meridian/db";
import type { PointsService } from "../points/port";
import type { PointsReservation } from "../points/wire";
import type { BranchState } from "./feePoints";

/** A reservation the service made so recently that our placement may not have committed yet. */
const PLACEMENT_GRACE_MS = 60_000;
const REPORT_WINDOW_MS = 24 * 60 * 60_000;

export interface FeePointsMismatch {
  transactionId: string;
  orderId: string | null;
  ours: { state: BranchState; points: string; spent: string } | null;
  theirs: { state: PointsReservation["state"]; points: string; spent: string } | null;
  problem: string;
}

export interface FeePointsReconciliation {
  checked: number;
  inFlight: number;
  mismatches: FeePointsMismatch[];
}

interface OurBranch {
  transaction_id: string;
  branch_id: string;
  order_id: string | null;
  state: BranchState;
  points: string;
  spent: string;
  created_at: Date;
}

export async function reconcileFeePoints(
  prisma: PrismaClient,
  points: PointsService,
  now = new Date(),
): Promise<FeePointsReconciliation> {
  const since = new Date(now.getTime() - REPORT_WINDOW_MS);
  // Open branches are compared however old they are; the service's report reaches back as far as the oldest.
  const ours = await prisma.$queryRaw<OurBranch[]>`
    SELECT transaction_id::text, branch_id, order_id::text, state, points::text, spent::text, created_at FROM tcc_branches
     WHERE updated_at >= ${since} OR state IN ('TRIED', 'CONFIRMING', 'CANCELLING', 'REFUSED')`;
  const oldest = ours.reduce((min, branch) => (branch.created_at < min ? branch.created_at : min), since);
  const theirs = await points.report(oldest);
  const theirsByKey = new Map(theirs.map((row) => [`${row.transactionId}/${row.branchId}`, row]));
  const result: FeePointsReconciliation = { checked: 0, inFlight: 0, mismatches: [] };
  for (const branch of ours) {
    const key = `${branch.transaction_id}/${branch.branch_id}`;
    const their = theirsByKey.get(key) ?? null;
    theirsByKey.delete(key);
    result.checked++;
    const verdict = compare(branch, their);
    if (verdict === "in-flight") result.inFlight++;
    else if (verdict !== "agrees") result.mismatches.push(mismatch(branch, their, verdict));
  }
  for (const their of theirsByKey.values()) {
    result.checked++;
    const recent = now.getTime() - Date.parse(their.createdAt) < PLACEMENT_GRACE_MS;
    if (their.state === "TRIED" && recent) result.inFlight++;
    else if (their.state !== "CANCELLED" || their.points !== "0")
      result.mismatches.push(mismatch(null, their, "the service holds a reservation we have no record of"));
  }
  return result;
}

function compare(ours: OurBranch, theirs: PointsReservation | null): "agrees" | "in-flight" | string {
  const state = theirs?.state ?? "none";
  switch (ours.state) {
    case "TRIED":
      if (!theirs) return "we hold a reservation the service does not have";
      if (state !== "TRIED") return `the service ended it (${state}) while the order is open`;
      return theirs.points === ours.points ? "agrees" : "reserved amounts differ";
    case "CONFIRMING":
      if (state === "TRIED") return "in-flight";
      return state === "CONFIRMED" && theirs!.spent === ours.spent
        ? "in-flight"
        : `Confirm pending, service says ${state}`;
    case "CANCELLING":
      return state === "CONFIRMED" ? "Cancel pending, but the service confirmed it" : "in-flight";
    case "CONFIRMED":
      return state === "CONFIRMED" && theirs!.spent === ours.spent ? "agrees" : `confirmed here, ${state} there`;
    case "CANCELLED":
      return state === "CANCELLED" ? "agrees" : `cancelled here, ${state} there`;
    case "REFUSED":
      return "the service refused how the order ended";
  }
}

function mismatch(ours: OurBranch | null, theirs: PointsReservation | null, problem: string): FeePointsMismatch {
  return {
    transactionId: ours?.transaction_id ?? theirs!.transactionId,
    orderId: ours?.order_id ?? null,
    ours: ours && { state: ours.state, points: ours.points, spent: ours.spent },
    theirs: theirs && { state: theirs.state, points: theirs.points, spent: theirs.spent },
    problem,
  };
}
