// The saga tables (sagas, saga_steps), as the runner and the screens use them. Every write a runner makes while it
// advances a saga is conditional on its lease: a runner whose lease lapsed (it stalled, another took the saga over)
// writes nothing more.
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { Prisma, type PrismaClient, type Saga, type SagaStep } from "@meridian/db";
import { DomainError } from "../shared/errors";

export const ACTIVE_STATUSES = ["RUNNING", "WAITING", "COMPENSATING"] as const;
export const ENDED_STATUSES = ["COMPLETED", "COMPENSATED", "FAILED"] as const;
export type SagaStatus = (typeof ACTIVE_STATUSES)[number] | (typeof ENDED_STATUSES)[number] | "NEEDS_OPERATOR";

export class LeaseLostError extends Error {
  constructor(sagaId: string) {
    super(`saga ${sagaId}: this runner's lease lapsed; another runner has it`);
    this.name = "LeaseLostError";
  }
}

/**
 * Records a new saga, to be picked up by a runner at once. `idempotencyKey` is the customer's request key, unique per
 * account as an order's is: the same key with the same request returns the saga it started; with another request it
 * is refused. Another account's key names nothing of theirs, so nothing can be learned from it.
 */
export async function startSaga(
  prisma: PrismaClient,
  saga: { idempotencyKey: string; type: string; accountId: string; input: Prisma.InputJsonValue },
): Promise<Saga> {
  const created = await prisma.saga.createManyAndReturn({
    data: [
      {
        id: randomUUID(),
        idempotencyKey: saga.idempotencyKey,
        type: saga.type,
        accountId: saga.accountId,
        input: saga.input,
        state: {},
      },
    ],
    skipDuplicates: true,
  });
  if (created[0]) return created[0];
  const existing = await prisma.saga.findUniqueOrThrow({
    where: { accountId_idempotencyKey: { accountId: saga.accountId, idempotencyKey: saga.idempotencyKey } },
  });
  // Compared as stored: JSON drops undefined fields, and jsonb does not keep key order (neither matters).
  if (existing.type !== saga.type || !isDeepStrictEqual(existing.input, JSON.parse(JSON.stringify(saga.input))))
    throw new DomainError(
      "CONFLICT",
      "This request key was already used for a different request. Reload the page and confirm again.",
    );
  return existing;
}

/** Takes up to `limit` sagas that are due and not leased (or whose lease lapsed), leasing them to `owner`. */
export async function claimDueSagas(
  prisma: PrismaClient,
  owner: string,
  options: { limit: number; leaseMs: number },
): Promise<Saga[]> {
  const ids = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE sagas SET lease_owner = ${owner}, lease_until = now() + ${options.leaseMs} * interval '1 millisecond'
     WHERE id IN (SELECT id FROM sagas
                   WHERE status IN ('RUNNING', 'WAITING', 'COMPENSATING') AND next_run_at <= now()
                     AND (lease_until IS NULL OR lease_until < now())
                   ORDER BY next_run_at LIMIT ${options.limit} FOR UPDATE SKIP LOCKED)
    RETURNING id::text`;
  if (!ids.length) return [];
  return prisma.saga.findMany({ where: { id: { in: ids.map((row) => row.id) } } });
}

/** One runner's writes to one saga it holds the lease of. */
export class LeasedSaga {
  constructor(
    private readonly prisma: PrismaClient,
    readonly saga: Saga,
    private readonly owner: string,
  ) {}

  steps(): Promise<SagaStep[]> {
    return this.prisma.sagaStep.findMany({ where: { sagaId: this.saga.id }, orderBy: { seq: "asc" } });
  }

  /** The saga row, changed only while this runner still holds its lease. */
  private async updateSaga(tx: Prisma.TransactionClient, data: Prisma.SagaUpdateManyMutationInput): Promise<void> {
    const { count } = await tx.saga.updateMany({
      where: { id: this.saga.id, leaseOwner: this.owner },
      data: { ...data, version: { increment: 1 } },
    });
    if (count === 0) throw new LeaseLostError(this.saga.id);
  }

  private inTransaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  async stepStarted(step: { name: string; kind: "FORWARD" | "COMPENSATION"; seq: number; attempts: number }) {
    await this.inTransaction(async (tx) => {
      await this.updateSaga(tx, {});
      await tx.sagaStep.upsert({
        where: { sagaId_name: { sagaId: this.saga.id, name: step.name } },
        create: { sagaId: this.saga.id, ...step, status: "STARTED" },
        update: { status: "STARTED", attempts: step.attempts, nextAttemptAt: null },
      });
    });
  }

  /** A forward step done: its output joins the saga's state in the same transaction. */
  async stepDone(name: string, state: Prisma.InputJsonValue, output: Prisma.InputJsonValue, orderId?: string) {
    await this.inTransaction(async (tx) => {
      await this.updateSaga(tx, { state, ...(orderId ? { orderId } : {}) });
      await tx.sagaStep.update({
        where: { sagaId_name: { sagaId: this.saga.id, name } },
        data: { status: "DONE", output, lastError: null, endedAt: new Date() },
      });
    });
  }

  /** Not finished yet (a step waiting for an order, or retrying): the saga is due again at `nextRunAt`. */
  async stepPaused(
    name: string,
    pause: { status: "STARTED" | "RETRYING"; note: string | null; nextRunAt: Date; sagaStatus: SagaStatus },
  ) {
    await this.inTransaction(async (tx) => {
      await this.updateSaga(tx, {
        status: pause.sagaStatus,
        nextRunAt: pause.nextRunAt,
        leaseOwner: null,
        leaseUntil: null,
      });
      await tx.sagaStep.update({
        where: { sagaId_name: { sagaId: this.saga.id, name } },
        data: { status: pause.status, lastError: pause.note, nextAttemptAt: pause.nextRunAt },
      });
    });
  }

  /**
   * The forward path has failed at `name`: the saga turns to compensating, and the compensation of every step that
   * succeeded is registered PENDING, due now (the registry's entries; run last-in-first-out by seq).
   */
  async failForward(name: string, error: string, compensations: { name: string; seq: number }[]) {
    await this.inTransaction(async (tx) => {
      await this.updateSaga(tx, { status: "COMPENSATING", outcome: error, nextRunAt: new Date() });
      await tx.sagaStep.update({
        where: { sagaId_name: { sagaId: this.saga.id, name } },
        data: { status: "FAILED", lastError: error, endedAt: new Date() },
      });
      if (compensations.length)
        await tx.sagaStep.createMany({
          data: compensations.map((compensation) => ({
            sagaId: this.saga.id,
            name: compensation.name,
            seq: compensation.seq,
            kind: "COMPENSATION",
            status: "PENDING",
            nextAttemptAt: new Date(),
          })),
          skipDuplicates: true,
        });
    });
  }

  async compensationDone(name: string, state: Prisma.InputJsonValue) {
    await this.inTransaction(async (tx) => {
      await this.updateSaga(tx, { state });
      await tx.sagaStep.update({
        where: { sagaId_name: { sagaId: this.saga.id, name } },
        data: { status: "DONE", lastError: null, nextAttemptAt: null, endedAt: new Date() },
      });
    });
  }

  /** A compensation that failed: PENDING again at `nextAttemptAt`, or WAITING_OPERATOR (and the saga with it). */
  async compensationFailed(name: string, error: string, next: Date | "operator") {
    await this.inTransaction(async (tx) => {
      if (next === "operator") {
        await this.updateSaga(tx, { status: "NEEDS_OPERATOR", leaseOwner: null, leaseUntil: null });
        await tx.sagaStep.update({
          where: { sagaId_name: { sagaId: this.saga.id, name } },
          data: { status: "WAITING_OPERATOR", lastError: error, nextAttemptAt: null },
        });
        return;
      }
      await this.updateSaga(tx, { nextRunAt: next, leaseOwner: null, leaseUntil: null });
      await tx.sagaStep.update({
        where: { sagaId_name: { sagaId: this.saga.id, name } },
        data: { status: "PENDING", lastError: error, nextAttemptAt: next },
      });
    });
  }

  async end(status: "COMPLETED" | "COMPENSATED" | "FAILED", outcome: string) {
    await this.inTransaction((tx) => this.updateSaga(tx, { status, outcome, leaseOwner: null, leaseUntil: null }));
  }

  /** Gives the saga back without changing it (this process is stopping, or a step threw before it was recorded). */
  async release(nextRunAt: Date) {
    await this.prisma.saga.updateMany({
      where: { id: this.saga.id, leaseOwner: this.owner },
      data: { leaseOwner: null, leaseUntil: null, nextRunAt },
    });
  }
}
