// The compensation registry: every compensation a saga registered is a saga_steps row of kind COMPENSATION (seed 004's
// "CompensationRegistry status = PENDING"). The runner retries a PENDING one when it is due; after the bounded number of
// tries it is WAITING_OPERATOR, and an operator either retries it now or resolves it by hand, with a reason that is
// audited in the same transaction.
import type { Prisma } from "@meridian/db";
import { recordAudit } from "../audit/audit";
import type { OperatorCtx } from "../services";
import { DomainError } from "../shared/errors";
import type { TCompensationDecisionInput } from "./compensationRegistry.schema";

async function findCompensation(ctx: OperatorCtx, input: TCompensationDecisionInput) {
  const step = await ctx.services.prisma.sagaStep.findUnique({
    where: { sagaId_name: { sagaId: input.sagaId, name: input.step } },
    include: { saga: true },
  });
  if (!step || step.kind !== "COMPENSATION")
    throw new DomainError(
      "NOT_FOUND",
      `Saga ${input.sagaId} has no compensation ${input.step}. Reload the Sagas page.`,
    );
  if (step.status !== "PENDING" && step.status !== "WAITING_OPERATOR")
    throw new DomainError(
      "CONFLICT",
      `Compensation ${input.step} is ${step.status}, so there is nothing to decide. Reload the Sagas page.`,
    );
  return step;
}

/** Runs a PENDING or WAITING_OPERATOR compensation at once (the runner picks the saga up within a poll). */
export function retryCompensation({ ctx, input }: { ctx: OperatorCtx; input: TCompensationDecisionInput }) {
  return decide(ctx, input, "saga.compensation.retry", { status: "PENDING", nextAttemptAt: new Date() });
}

/**
 * Settles a compensation by hand (the operator did at the partner what it would have done, or decided it is not
 * needed): it is RESOLVED and the saga moves on to its remaining compensations.
 */
export function resolveCompensation({ ctx, input }: { ctx: OperatorCtx; input: TCompensationDecisionInput }) {
  return decide(ctx, input, "saga.compensation.resolve", {
    status: "RESOLVED",
    resolvedBy: ctx.actor,
    resolvedReason: input.reason,
    nextAttemptAt: null,
    endedAt: new Date(),
  });
}

/** The decision on the step, the saga due again at once, and the audit row: one transaction. */
async function decide(
  ctx: OperatorCtx,
  input: TCompensationDecisionInput,
  action: string,
  step: Prisma.SagaStepUpdateInput & { status: "PENDING" | "RESOLVED" },
) {
  const before = await findCompensation(ctx, input);
  await ctx.services.prisma.$transaction(async (tx) => {
    await tx.sagaStep.update({ where: { sagaId_name: { sagaId: input.sagaId, name: input.step } }, data: step });
    await tx.saga.update({
      where: { id: input.sagaId },
      data: { status: "COMPENSATING", nextRunAt: new Date(), version: { increment: 1 } },
    });
    await recordAudit(tx, {
      actor: ctx.actor,
      action,
      targetType: "saga",
      targetId: input.sagaId,
      reason: input.reason,
      detail: {
        step: input.step,
        attempts: before.attempts,
        lastError: before.lastError,
        batchId: ctx.batchId ?? null,
      },
    });
  });
  return { sagaId: input.sagaId, step: input.step, status: step.status };
}
