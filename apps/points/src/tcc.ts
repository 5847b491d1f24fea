// Try, Confirm and Cancel of the fee-points branch, each in one transaction that locks the fence row, then the
// account row (always in that order, so two of them never wait on each other in a circle):
//   Try     none → hold, TRIED              | TRIED/CONFIRMED same terms → DUPLICATE, other → TERMS_CONFLICT
//           CANCELLED → SUSPENDED (a Try after its Cancel reserves nothing, ever)
//   Confirm TRIED → spend, free the rest     | CONFIRMED same spent → DUPLICATE, other → TERMS_CONFLICT
//           CANCELLED or none → NOT_TRIED
//   Cancel  TRIED → free the hold            | CANCELLED → DUPLICATE | CONFIRMED → ALREADY_CONFIRMED
//           none → a CANCELLED row with nothing in it, EMPTY_ROLLBACK (so the late Try finds it and is SUSPENDED)
import type {
  PointsBranchAnswer,
  PointsCancelRequest,
  PointsConfirmRequest,
  PointsTryRequest,
} from "@meridian/core/points";
import type pg from "pg";
import { appendSpend, changeBalance, lockBalance } from "./accounts";
import { inTransaction, type Queryable } from "./database";
import { insertFence, lockFence, settleFence, toReservation, type FenceRow, type SettledBy } from "./fence";
import { PointsRefusal } from "./refusal";

const answer = (verdict: PointsBranchAnswer["verdict"], row: FenceRow): PointsBranchAnswer => ({
  verdict,
  reservation: toReservation(row),
});

const branchName = (row: FenceRow) => `transaction ${row.transaction_id} branch ${row.branch_id}`;

export function tryReserve(pool: pg.Pool, request: PointsTryRequest): Promise<PointsBranchAnswer> {
  const points = BigInt(request.points);
  return inTransaction(pool, async (tx) => {
    const fence = await insertFence(tx, {
      ...request,
      points: points.toString(),
      state: "TRIED",
      settledBy: null,
    });
    if (!fence) return repeatedTry(tx, request, points);
    // The fence is written first; a refusal below rolls it back with everything else, so a refused Try leaves no row.
    const balance = await lockBalance(tx, request.accountNo);
    if (BigInt(balance.available) < points) {
      throw new PointsRefusal(
        "INSUFFICIENT_POINTS",
        `account ${request.accountNo} has ${balance.available} points free, ${points} requested: pay the commission another way`,
      );
    }
    await changeBalance(tx, request.accountNo, { available: -points, held: points });
    return answer("TRIED", fence);
  });
}

async function repeatedTry(tx: Queryable, request: PointsTryRequest, points: bigint): Promise<PointsBranchAnswer> {
  const fence = (await lockFence(tx, request))!;
  if (fence.state === "CANCELLED") {
    throw new PointsRefusal(
      "SUSPENDED",
      `${branchName(fence)} was cancelled before this Try arrived; nothing is reserved: place the order again`,
    );
  }
  if (fence.account_no !== request.accountNo || BigInt(fence.points) !== points) {
    throw new PointsRefusal(
      "TERMS_CONFLICT",
      `${branchName(fence)} was tried with ${fence.points} points on ${fence.account_no}: use a new transaction id for other terms`,
    );
  }
  return answer("DUPLICATE", fence);
}

export function confirm(
  pool: pg.Pool,
  request: PointsConfirmRequest,
  settledBy: SettledBy = "coordinator",
): Promise<PointsBranchAnswer> {
  const spent = BigInt(request.spent);
  return inTransaction(pool, async (tx) => {
    const fence = await lockFence(tx, request);
    if (!fence || fence.state === "CANCELLED") {
      const why = fence ? "was cancelled" : "was never tried here";
      throw new PointsRefusal(
        "NOT_TRIED",
        `transaction ${request.transactionId} branch ${request.branchId} ${why}: there is nothing to confirm`,
      );
    }
    if (fence.state === "CONFIRMED") {
      if (BigInt(fence.spent) === spent) return answer("DUPLICATE", fence);
      throw new PointsRefusal(
        "TERMS_CONFLICT",
        `${branchName(fence)} was already confirmed spending ${fence.spent} points, not ${spent}`,
      );
    }
    const points = BigInt(fence.points);
    if (spent > points) {
      throw new PointsRefusal(
        "TERMS_CONFLICT",
        `${branchName(fence)} reserved ${fence.points} points; a Confirm cannot spend ${spent}`,
      );
    }
    const accountNo = fence.account_no!;
    await changeBalance(tx, accountNo, { available: points - spent, held: -points });
    if (spent > 0n) await appendSpend(tx, { ...request, accountNo, spent });
    return answer(
      "CONFIRMED",
      await settleFence(tx, request, { state: "CONFIRMED", spent: spent.toString(), settledBy }),
    );
  });
}

export function cancel(
  pool: pg.Pool,
  request: PointsCancelRequest,
  settledBy: SettledBy = "coordinator",
): Promise<PointsBranchAnswer> {
  return inTransaction(pool, async (tx) => {
    let fence = await lockFence(tx, request);
    if (!fence) {
      const emptyRollback = await insertFence(tx, {
        ...request,
        accountNo: null,
        points: "0",
        state: "CANCELLED",
        settledBy,
      });
      if (emptyRollback) return answer("EMPTY_ROLLBACK", emptyRollback);
      // A concurrent Try committed its row while we looked: cancel that one.
      fence = (await lockFence(tx, request))!;
    }
    if (fence.state === "CANCELLED") return answer("DUPLICATE", fence);
    if (fence.state === "CONFIRMED") {
      throw new PointsRefusal(
        "ALREADY_CONFIRMED",
        `${branchName(fence)} was confirmed (spent ${fence.spent} points); a confirmed branch cannot be cancelled`,
      );
    }
    const points = BigInt(fence.points);
    await changeBalance(tx, fence.account_no!, { available: points, held: -points });
    return answer("CANCELLED", await settleFence(tx, request, { state: "CANCELLED", spent: "0", settledBy }));
  });
}
