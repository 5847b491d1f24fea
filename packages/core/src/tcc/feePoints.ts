// The coordinator's side of the one TCC branch that lives in another service: the commission points an order reserves
// at the fee points service (apps/points, its own process and database). The other participants (cash, shares) are in
// our database and commit with the order; this one is reached over HTTP, so every call can fail without an answer.
//
//   place   Try at the service first → our branch row TRIED in the transaction that creates the order. No answer: the
//           row is written CANCELLING instead (presumed abort) and the customer is told nothing was placed.
//   close   in the transaction that closes the order: CONFIRMING with the points its fills spent, or CANCELLING when
//           they spent none (a Confirm of 0 would free the same points; Cancel says what happened).
//   deliver Confirm / Cancel are sent until the service acknowledges them (deliverFeePointsBranches), with backoff.
//   outcome the service asks about a reservation left TRIED too long (its own sweep): answerOutcome says how it ended.
//           A transaction we have no row for is answered CANCEL, and the CANCELLING row written for it keeps a
//           placement still in flight with that id from ever committing (its insert finds the row and gives up).
import type { Order, PrismaClient, Tx } from "@meridian/db";
import { BrokerUnavailableError } from "../broker/port";
import { PointsRefusal } from "../points/port";
import { FEE_POINTS_BRANCH, type OutcomeAnswer, type OutcomeRequest } from "../points/wire";
import { retryDelayMs } from "../saga/backoff";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import type { Decimal } from "../shared/money";

export type BranchState = "TRIED" | "CONFIRMING" | "CANCELLING" | "CONFIRMED" | "CANCELLED" | "REFUSED";

export interface FeePointsTry {
  transactionId: string;
  accountNo: string;
  points: Decimal;
}

/**
 * Try at the points service. TRIED: the points are reserved (a repeat answers the same). UNKNOWN: no answer, so the
 * reservation may or may not exist; the caller must abandon the branch. A refusal for want of points is the
 * customer's answer, and nothing was reserved.
 */
export async function tryFeePoints(services: CoreServices, request: FeePointsTry): Promise<"TRIED" | "UNKNOWN"> {
  try {
    await services.points.try({
      transactionId: request.transactionId,
      branchId: FEE_POINTS_BRANCH,
      accountNo: request.accountNo,
      points: request.points.toFixed(0),
    });
    return "TRIED";
  } catch (error) {
    if (error instanceof BrokerUnavailableError) return "UNKNOWN";
    if (error instanceof PointsRefusal && error.code === "INSUFFICIENT_POINTS")
      throw new DomainError(
        "BAD_REQUEST",
        `Paying this commission with points needs up to ${request.points.toFixed(0)} points, more than you have free. Untick "pay commission with points" or lower the quantity.`,
        "payFeeWithPoints",
      );
    throw error;
  }
}

/**
 * Our branch row, TRIED, in the transaction that creates the order. Refuses the placement when a row for the
 * transaction is there already: the service asked about it first and was told CANCEL.
 */
export async function recordFeePointsTried(tx: Tx, order: Pick<Order, "id">, request: FeePointsTry): Promise<void> {
  const inserted = await tx.$executeRaw`
    INSERT INTO tcc_branches (transaction_id, branch_id, order_id, account_no, points, state)
    VALUES (${request.transactionId}::uuid, ${FEE_POINTS_BRANCH}, ${order.id}::uuid, ${request.accountNo},
            ${request.points.toFixed(0)}::numeric, 'TRIED')
    ON CONFLICT DO NOTHING`;
  if (inserted === 0)
    throw new DomainError(
      "SERVICE_UNAVAILABLE",
      "Placing this order took too long and was called off; nothing was placed and no points are held. Try again.",
    );
}

/**
 * A Try whose placement did not commit (or whose answer never came): Cancel it, until acknowledged. If the placement
 * did commit after all (a COMMIT whose answer was lost), its TRIED row is there and this changes nothing.
 */
export async function abandonFeePoints(prisma: PrismaClient, request: FeePointsTry): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO tcc_branches (transaction_id, branch_id, account_no, points, state, next_attempt_at)
    VALUES (${request.transactionId}::uuid, ${FEE_POINTS_BRANCH}, ${request.accountNo},
            ${request.points.toFixed(0)}::numeric, 'CANCELLING', now())
    ON CONFLICT DO NOTHING`;
}

/** The order is closing (in the caller's transaction): Confirm what its fills spent, or Cancel when they spent none. */
export async function settleFeePoints(tx: Tx, transactionId: string, order: Pick<Order, "pointsUsed">): Promise<void> {
  const spent = order.pointsUsed.toFixed(0);
  await tx.$executeRaw`
    UPDATE tcc_branches
       SET state = CASE WHEN ${spent}::numeric > 0 THEN 'CONFIRMING' ELSE 'CANCELLING' END,
           spent = ${spent}::numeric, next_attempt_at = now(), updated_at = now()
     WHERE transaction_id = ${transactionId}::uuid AND branch_id = ${FEE_POINTS_BRANCH} AND state = 'TRIED'`;
}

interface DueBranch {
  transaction_id: string;
  branch_id: string;
  state: "CONFIRMING" | "CANCELLING";
  spent: string;
  attempts: number;
}

/**
 * Sends the due Confirms and Cancels. Each row is claimed first (its next attempt pushed past the call's timeout), so
 * two workers do not send the same one at once; a worker that dies mid-call leaves a claim that lapses. The service's
 * fence makes a repeat harmless anyway. Returns how many were acknowledged and how many wait for another try.
 */
export async function deliverFeePointsBranches(
  services: CoreServices,
  limit = 50,
): Promise<{ acknowledged: number; failed: number; refused: number }> {
  const { prisma, config } = services;
  const claimMs = config.points.timeoutMs * 2 + 1000;
  const due = await prisma.$queryRaw<DueBranch[]>`
    UPDATE tcc_branches SET attempts = attempts + 1, next_attempt_at = now() + ${claimMs} * interval '1 millisecond'
     WHERE (transaction_id, branch_id) IN (
       SELECT transaction_id, branch_id FROM tcc_branches
        WHERE state IN ('CONFIRMING', 'CANCELLING') AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
     RETURNING transaction_id::text, branch_id, state, spent::text, attempts`;
  const outcomes = await Promise.all(due.map((branch) => deliverOne(services, branch)));
  return {
    acknowledged: outcomes.filter((outcome) => outcome === "acknowledged").length,
    failed: outcomes.filter((outcome) => outcome === "failed").length,
    refused: outcomes.filter((outcome) => outcome === "refused").length,
  };
}

async function deliverOne(services: CoreServices, branch: DueBranch): Promise<"acknowledged" | "failed" | "refused"> {
  const { prisma, points, config } = services;
  const key = { transactionId: branch.transaction_id, branchId: branch.branch_id };
  const done = branch.state === "CONFIRMING" ? "CONFIRMED" : "CANCELLED";
  try {
    if (branch.state === "CONFIRMING") await points.confirm({ ...key, spent: branch.spent });
    else await points.cancel(key);
    await prisma.$executeRaw`
      UPDATE tcc_branches SET state = ${done}, last_error = NULL, next_attempt_at = NULL, settled_at = now(), updated_at = now()
       WHERE transaction_id = ${key.transactionId}::uuid AND branch_id = ${key.branchId} AND state = ${branch.state}`;
    return "acknowledged";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof PointsRefusal) {
      // The service says this branch cannot end the way the order did: nothing a retry would change. Operators see it.
      services.logger.error({ ...key, state: branch.state, err: message }, "points service refused a branch's end");
      await prisma.$executeRaw`
        UPDATE tcc_branches SET state = 'REFUSED', last_error = ${message.slice(0, 500)}, next_attempt_at = NULL, updated_at = now()
         WHERE transaction_id = ${key.transactionId}::uuid AND branch_id = ${key.branchId} AND state = ${branch.state}`;
      return "refused";
    }
    const delayMs = retryDelayMs(branch.attempts, {
      retryBaseMs: config.points.retryBaseMs,
      retryCapMs: config.points.retryCapMs,
    });
    await prisma.$executeRaw`
      UPDATE tcc_branches SET last_error = ${message.slice(0, 500)}, next_attempt_at = now() + ${delayMs} * interval '1 millisecond', updated_at = now()
       WHERE transaction_id = ${key.transactionId}::uuid AND branch_id = ${key.branchId} AND state = ${branch.state}`;
    return "failed";
  }
}

/**
 * The service's sweep asks how a branch it still holds TRIED ended. A transaction we never recorded is presumed
 * aborted: the CANCELLING row written here answers every later question the same way, and is delivered as a Cancel
 * like any other (the service has usually cancelled it by then, so that one is a duplicate).
 */
export async function answerOutcome(prisma: PrismaClient, request: OutcomeRequest): Promise<OutcomeAnswer> {
  await prisma.$executeRaw`
    INSERT INTO tcc_branches (transaction_id, branch_id, account_no, points, state, next_attempt_at)
    VALUES (${request.transactionId}::uuid, ${request.branchId}, ${request.accountNo}, ${request.points}::numeric,
            'CANCELLING', now())
    ON CONFLICT DO NOTHING`;
  const [row] = await prisma.$queryRaw<{ state: BranchState; spent: string }[]>`
    SELECT state, spent::text FROM tcc_branches
     WHERE transaction_id = ${request.transactionId}::uuid AND branch_id = ${request.branchId}`;
  if (!row || row.state === "TRIED") return { outcome: "PENDING" };
  if (row.state === "CONFIRMING" || row.state === "CONFIRMED" || (row.state === "REFUSED" && row.spent !== "0"))
    return { outcome: "CONFIRM", spent: row.spent };
  return { outcome: "CANCEL" };
}
