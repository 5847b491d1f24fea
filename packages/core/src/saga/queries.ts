// Sagas as the screens read them: the console's list and timeline, the customer's own (by account, never another's).
import type { PrismaClient, Saga, SagaStep } from "@meridian/db";
import { DomainError } from "../shared/errors";
import type { TSagaListInput } from "./compensationRegistry.schema";

export interface SagaStepView {
  name: string;
  kind: string;
  seq: number;
  status: string;
  attempts: number;
  lastError: string | null;
  startedAt: string;
  endedAt: string | null;
  nextAttemptAt: string | null;
  resolvedBy: string | null;
  resolvedReason: string | null;
}

export interface SagaView {
  id: string;
  type: string;
  accountId: string;
  status: string;
  input: unknown;
  state: unknown;
  orderId: string | null;
  outcome: string | null;
  nextRunAt: string;
  createdAt: string;
  updatedAt: string;
  steps: SagaStepView[];
}

export function sagaView(saga: Saga & { steps: SagaStep[] }): SagaView {
  return {
    id: saga.id,
    type: saga.type,
    accountId: saga.accountId,
    status: saga.status,
    input: saga.input,
    state: saga.state,
    orderId: saga.orderId,
    outcome: saga.outcome,
    nextRunAt: saga.nextRunAt.toISOString(),
    createdAt: saga.createdAt.toISOString(),
    updatedAt: saga.updatedAt.toISOString(),
    steps: [...saga.steps]
      .sort((a, b) => a.seq - b.seq)
      .map((step) => ({
        name: step.name,
        kind: step.kind,
        seq: step.seq,
        status: step.status,
        attempts: step.attempts,
        lastError: step.lastError,
        startedAt: step.startedAt.toISOString(),
        endedAt: step.endedAt?.toISOString() ?? null,
        nextAttemptAt: step.nextAttemptAt?.toISOString() ?? null,
        resolvedBy: step.resolvedBy,
        resolvedReason: step.resolvedReason,
      })),
  };
}

export async function listSagas(prisma: PrismaClient, filter: TSagaListInput & { accountId?: string }) {
  const sagas = await prisma.saga.findMany({
    where: {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.accountId ? { accountId: filter.accountId } : {}),
    },
    include: { steps: true },
    orderBy: { createdAt: "desc" },
    take: filter.limit,
  });
  return sagas.map(sagaView);
}

/** One saga; with `accountId`, only if it is that account's (another customer's id reads as not found). */
export async function findSaga(prisma: PrismaClient, sagaId: string, accountId?: string): Promise<SagaView> {
  const saga = await prisma.saga.findUnique({ where: { id: sagaId }, include: { steps: true } });
  if (!saga || (accountId !== undefined && saga.accountId !== accountId))
    throw new DomainError("NOT_FOUND", "No such exchange or won-paid order on your account. Reload the page.");
  return sagaView(saga);
}

/** Counts by status for the console's overview. */
export async function sagaCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  const rows = await prisma.saga.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
}
