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

/** Operator actions need a reason; it is written in the same transaction as the action. */
export async function recordAudit(tx: Tx, entry: OperatorAction): Promise<void> {
  await tx.auditLog.create({ data: entry });
}

/** The reason, trimmed, for handlers called without a tRPC input schema; the same rule as ZAuditReason. */
export function requireReason(reason: string | undefined | null): string {
  const parsed = ZAuditReason.safeParse(reason ?? "");
  if (!parsed.success) throw new DomainError("BAD_REQUEST", parsed.error.issues[0]!.message, "reason");
  return parsed.data;
}
