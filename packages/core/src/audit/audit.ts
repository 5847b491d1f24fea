import type { Prisma, Tx } from "@meridian/db";
import { DomainError } from "../shared/errors";

export interface OperatorAction {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  reason: string;
  detail?: Prisma.InputJsonValue;
}

/** Operator actions need a reason; it is written in the same transaction as the action. */
export async function recordAudit(tx: Tx, entry: OperatorAction): Promise<void> {
  await tx.auditLog.create({ data: entry });
}

export function requireReason(reason: string | undefined | null): string {
  const trimmed = reason?.trim() ?? "";
  if (trimmed.length < 5)
    throw new DomainError(
      "BAD_REQUEST",
      "Give a reason of at least 5 characters; it is kept in the audit log.",
      "reason",
    );
  return trimmed;
}
