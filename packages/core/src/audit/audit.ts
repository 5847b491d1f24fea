import { AsyncLocalStorage } from "node:async_hooks";
import type { Prisma, Tx } from "@meridian/db";
import { DomainError } from "../shared/errors";
import { ZAuditReason } from "./reason";

export interface OperatorAction {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  reason: string;
  detail?: Prisma.InputJsonValue;
}

/**
 * The step-up the action under way was authorized by (the operator confirmed their password at `steppedUpAt`): every
 * audit row the action writes says so, without each handler having to be told. One instance per process, kept on
 * globalThis, because Next.js may bundle this module more than once.
 */
const stepUps = ((globalThis as { [key: symbol]: unknown })[Symbol.for("meridian.audit.stepUp")] ??=
  new AsyncLocalStorage<{ steppedUpAt: Date }>()) as AsyncLocalStorage<{ steppedUpAt: Date }>;

/** Runs `work` (an operator action) so that the audit rows it writes record the step-up that authorized it. */
export function withStepUp<T>(steppedUpAt: Date, work: () => T): T {
  return stepUps.run({ steppedUpAt }, work);
}

function withSteppedUpAt(detail: Prisma.InputJsonValue | undefined, steppedUpAt: Date): Prisma.InputJsonValue {
  const at = steppedUpAt.toISOString();
  if (detail === undefined || detail === null) return { steppedUpAt: at };
  if (typeof detail === "object" && !Array.isArray(detail)) return { ...detail, steppedUpAt: at };
  return { value: detail, steppedUpAt: at };
}

/** Operator actions need a reason; it is written in the same transaction as the action. */
export async function recordAudit(tx: Tx, entry: OperatorAction): Promise<void> {
  const stepUp = stepUps.getStore();
  await tx.auditLog.create({
    data: stepUp ? { ...entry, detail: withSteppedUpAt(entry.detail, stepUp.steppedUpAt) } : entry,
  });
}

/** The reason, trimmed, for handlers called without a tRPC input schema; the same rule as ZAuditReason. */
export function requireReason(reason: string | undefined | null): string {
  const parsed = ZAuditReason.safeParse(reason ?? "");
  if (!parsed.success) throw new DomainError("BAD_REQUEST", parsed.error.issues[0]!.message, "reason");
  return parsed.data;
}
