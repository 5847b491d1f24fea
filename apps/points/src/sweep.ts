// The participant cleans up by itself: a reservation left TRIED (the coordinator crashed, or its Confirm or Cancel
// was lost) would hold the customer's points forever. The sweep asks the coordinator how each old TRIED branch
// ended and applies the answer through the same fenced Confirm and Cancel, so it can race the coordinator's own
// late call safely: whichever comes second is a DUPLICATE.
import {
  POINTS_AUTH_HEADER,
  ZOutcomeAnswer,
  bearer,
  type OutcomeAnswer,
  type OutcomeRequest,
} from "@meridian/core/points";
import type pg from "pg";
import type { Logger } from "pino";
import { PointsRefusal } from "./refusal";
import { cancel, confirm } from "./tcc";

export interface SweepResult {
  confirmed: number;
  cancelled: number;
  pending: number;
  unreachable: number;
}

export interface SweepDeps {
  pool: pg.Pool;
  coordinatorUrl: string;
  secret: string;
  sweepAfterMs: number;
  sweepEveryMs: number;
  closing: AbortSignal;
  logger: Logger;
}

const OUTCOME_TIMEOUT_MS = 5_000;
/** Branches asked per sweep; the rest wait for the next one. */
const SWEEP_BATCH = 200;

/** TRIED rows older than sweepAfterMs, not asked within the last sweepEveryMs (a PENDING answer is not asked again at once). */
async function staleBranches(deps: SweepDeps): Promise<OutcomeRequest[]> {
  const { rows } = await deps.pool.query<OutcomeRequest>(
    `SELECT transaction_id AS "transactionId", branch_id AS "branchId", account_no AS "accountNo", points::text AS points
     FROM points_fences
     WHERE state = 'TRIED' AND updated_at <= now() - make_interval(secs => $1::double precision / 1000)
       AND (last_asked_at IS NULL OR last_asked_at <= now() - make_interval(secs => $2::double precision / 1000))
     ORDER BY updated_at LIMIT ${SWEEP_BATCH}`,
    [deps.sweepAfterMs, deps.sweepEveryMs],
  );
  return rows;
}

/** The coordinator's answer, or null when it could not be had (down, non-2xx, garbage, too slow). */
async function askOutcome(deps: SweepDeps, branch: OutcomeRequest): Promise<OutcomeAnswer | null> {
  try {
    const response = await fetch(`${deps.coordinatorUrl}/tcc/outcome`, {
      method: "POST",
      headers: { "content-type": "application/json", [POINTS_AUTH_HEADER]: bearer(deps.secret) },
      body: JSON.stringify(branch),
      signal: AbortSignal.any([AbortSignal.timeout(OUTCOME_TIMEOUT_MS), deps.closing]),
    });
    if (!response.ok) {
      deps.logger.warn({ ...branch, status: response.status }, "the coordinator refused the outcome question");
      return null;
    }
    const answer = ZOutcomeAnswer.safeParse(await response.json());
    if (answer.success) return answer.data;
    deps.logger.warn({ ...branch, issues: answer.error.issues }, "the coordinator's outcome answer does not fit");
  } catch (error) {
    deps.logger.warn({ ...branch, err: error }, "the coordinator could not be asked for the outcome");
  }
  return null;
}

async function markAsked(deps: SweepDeps, branch: OutcomeRequest): Promise<void> {
  await deps.pool.query(
    "UPDATE points_fences SET last_asked_at = now() WHERE transaction_id = $1 AND branch_id = $2 AND state = 'TRIED'",
    [branch.transactionId, branch.branchId],
  );
}

async function settle(deps: SweepDeps, branch: OutcomeRequest, answer: OutcomeAnswer): Promise<keyof SweepResult> {
  if (answer.outcome === "PENDING") {
    await markAsked(deps, branch);
    return "pending";
  }
  const key = { transactionId: branch.transactionId, branchId: branch.branchId };
  try {
    if (answer.outcome === "CONFIRM") await confirm(deps.pool, { ...key, spent: answer.spent }, "sweep");
    else await cancel(deps.pool, key, "sweep");
  } catch (error) {
    if (!(error instanceof PointsRefusal)) throw error;
    // The two sides disagree (e.g. the coordinator says CONFIRM spending more than was reserved): a person must look.
    deps.logger.error(
      { ...branch, answer, code: error.code, err: error },
      "the coordinator's outcome cannot be applied",
    );
    await markAsked(deps, branch);
    return "pending";
  }
  return answer.outcome === "CONFIRM" ? "confirmed" : "cancelled";
}

export async function sweepOnce(deps: SweepDeps): Promise<SweepResult> {
  const result: SweepResult = { confirmed: 0, cancelled: 0, pending: 0, unreachable: 0 };
  for (const branch of await staleBranches(deps)) {
    if (deps.closing.aborted) break;
    const answer = await askOutcome(deps, branch);
    result[answer ? await settle(deps, branch, answer) : "unreachable"]++;
  }
  if (result.confirmed + result.cancelled + result.pending + result.unreachable > 0) {
    deps.logger.info(result, "swept stale reservations");
  }
  return result;
}

/** Sweeps every sweepEveryMs, one sweep at a time; returns the stop function. */
export function startSweeping(deps: SweepDeps): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (deps.closing.aborted) return;
    timer = setTimeout(() => {
      running = sweepOnce(deps)
        .catch((error: unknown) => deps.logger.error({ err: error }, "sweep failed"))
        .finally(schedule);
    }, deps.sweepEveryMs);
  };
  schedule();
  return async () => {
    clearTimeout(timer);
    await running;
  };
}
