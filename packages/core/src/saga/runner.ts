// The engine: advances one leased saga as far as it can go now, persisting every step's start and end, then gives it
// back. A saga is resumed from its rows, never from memory: a runner killed between steps leaves a step STARTED, and
// the next runner (once the lease lapses) runs that step again with the same idempotency key.
//
// Forward: steps in order; a StepFailed, or a step that may give up and has used its tries, turns the saga to
// compensating, registering the compensations of the steps that succeeded. Compensating: the registered compensations
// run last-in-first-out; one that fails is PENDING again with a jittered backoff (the compensation registry the
// scheduler retries), and after SAGA_COMPENSATION_MAX_ATTEMPTS it waits for an operator (saga NEEDS_OPERATOR).
import type { Prisma, SagaStep as SagaStepRow } from "@meridian/db";
import type { CoreServices } from "../services";
import { retryDelayMs, type BackoffSettings } from "./backoff";
import {
  CompensationRefused,
  StepFailed,
  type AnySagaDefinition,
  type SagaCompensation,
  type SagaContext,
} from "./definition";
import { sagaStepKey } from "./keys";
import type { LeasedSaga } from "./store";

export interface RunnerSettings extends BackoffSettings {
  stepMaxAttempts: number;
  compensationMaxAttempts: number;
}

/** Compensation rows sort after every forward step and in reverse: the last step's compensation runs first. */
const compensationSeq = (forwardSeq: number) => 1000 - forwardSeq;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function advanceSaga(
  leased: LeasedSaga,
  definition: AnySagaDefinition,
  services: CoreServices,
  settings: RunnerSettings,
): Promise<void> {
  const rows = new Map((await leased.steps()).map((row) => [row.name, row]));
  const state = { ...(leased.saga.state as Record<string, unknown>) };
  const context = (attempt: number): SagaContext<unknown, Record<string, unknown>> => ({
    sagaId: leased.saga.id,
    accountId: leased.saga.accountId,
    input: leased.saga.input,
    state,
    services,
    attempt,
    key: (name) => sagaStepKey(leased.saga.id, name),
  });
  let failure = leased.saga.outcome;
  if (leased.saga.status !== "COMPENSATING") {
    const forward = await runForward(leased, definition, rows, state, context, settings);
    if (forward === "paused-or-ended") return;
    failure = forward.failure;
  }
  await runCompensations(leased, definition, state, context, settings, failure);
}

/** Runs the forward steps from the first not done; the failure when the saga turned to compensating. */
async function runForward(
  leased: LeasedSaga,
  definition: AnySagaDefinition,
  rows: Map<string, SagaStepRow>,
  state: Record<string, unknown>,
  context: (attempt: number) => SagaContext<unknown, Record<string, unknown>>,
  settings: RunnerSettings,
): Promise<{ failure: string } | "paused-or-ended"> {
  for (const [seq, step] of definition.steps.entries()) {
    const row = rows.get(step.name);
    if (row?.status === "DONE") continue;
    const attempt = (row?.attempts ?? 0) + 1;
    await leased.stepStarted({ name: step.name, kind: "FORWARD", seq, attempts: attempt });
    let result;
    try {
      result = await step.run(context(attempt));
    } catch (error) {
      const givesUp = step.whenUnanswered === "compensate" && attempt >= settings.stepMaxAttempts;
      if (error instanceof StepFailed || givesUp) {
        await failForward(leased, definition, seq, message(error));
        return { failure: message(error) };
      }
      await leased.stepPaused(step.name, {
        status: "RETRYING",
        note: `try ${attempt}: ${message(error)}`,
        nextRunAt: new Date(Date.now() + retryDelayMs(attempt, settings)),
        sagaStatus: "RUNNING",
      });
      return "paused-or-ended";
    }
    if ("waitMs" in result) {
      await leased.stepPaused(step.name, {
        status: "STARTED",
        note: result.note,
        nextRunAt: new Date(Date.now() + result.waitMs),
        sagaStatus: "WAITING",
      });
      return "paused-or-ended";
    }
    Object.assign(state, result.done);
    await leased.stepDone(
      step.name,
      state as Prisma.InputJsonValue,
      result.done as Prisma.InputJsonValue,
      result.orderId,
    );
  }
  await leased.end("COMPLETED", definition.outcome({ status: "COMPLETED", failure: null, state }));
  return "paused-or-ended";
}

/** Registers the compensations of the steps before `failedSeq` that have one, in the same write as the failure. */
async function failForward(leased: LeasedSaga, definition: AnySagaDefinition, failedSeq: number, error: string) {
  const compensations = definition.steps
    .slice(0, failedSeq)
    .flatMap((step, seq) => (step.compensation ? [{ name: step.compensation.name, seq: compensationSeq(seq) }] : []));
  await leased.failForward(definition.steps[failedSeq]!.name, error, compensations);
}

async function runCompensations(
  leased: LeasedSaga,
  definition: AnySagaDefinition,
  state: Record<string, unknown>,
  context: (attempt: number) => SagaContext<unknown, Record<string, unknown>>,
  settings: RunnerSettings,
  failure: string | null,
): Promise<void> {
  const byName = new Map<string, SagaCompensation<unknown, Record<string, unknown>>>(
    definition.steps.flatMap((step) => (step.compensation ? [[step.compensation.name, step.compensation]] : [])),
  );
  const rows = (await leased.steps()).filter((row) => row.kind === "COMPENSATION").sort((a, b) => a.seq - b.seq);
  for (const row of rows) {
    if (row.status === "DONE" || row.status === "RESOLVED") continue;
    if (row.status === "WAITING_OPERATOR") return;
    // Last-in-first-out, strictly: an earlier step's compensation waits until the later one's is done.
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > Date.now()) {
      await leased.release(row.nextAttemptAt);
      return;
    }
    const compensation = byName.get(row.name);
    if (!compensation) throw new Error(`saga ${leased.saga.id}: no compensation ${row.name} in ${definition.type}`);
    const attempt = row.attempts + 1;
    await leased.stepStarted({ name: row.name, kind: "COMPENSATION", seq: row.seq, attempts: attempt });
    try {
      Object.assign(state, await compensation.run(context(attempt)));
    } catch (error) {
      const toOperator = error instanceof CompensationRefused || attempt >= settings.compensationMaxAttempts;
      await leased.compensationFailed(
        row.name,
        `try ${attempt}: ${message(error)}`,
        toOperator ? "operator" : new Date(Date.now() + retryDelayMs(attempt, settings)),
      );
      return;
    }
    await leased.compensationDone(row.name, state as Prisma.InputJsonValue);
  }
  const status = rows.length ? "COMPENSATED" : "FAILED";
  await leased.end(status, definition.outcome({ status, failure, state }));
}
