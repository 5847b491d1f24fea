import type { PrismaClient } from "@meridian/db";

export interface HistoryEntry {
  id: string;
  entity: string;
  entityKey: string;
  operation: string;
  actor: string;
  cause: string;
  /** Only the fields that changed, old → new (all fields for an insert). */
  changes: Record<string, { from: unknown; to: unknown }>;
  changedAt: string;
}

const IGNORED = new Set(["updated_at", "version"]);

function diff(
  oldValues: Record<string, unknown> | null,
  newValues: Record<string, unknown> | null,
): HistoryEntry["changes"] {
  const changes: HistoryEntry["changes"] = {};
  for (const [field, value] of Object.entries(newValues ?? {})) {
    if (IGNORED.has(field)) continue;
    const before = oldValues ? oldValues[field] : null;
    if (!oldValues || JSON.stringify(before) !== JSON.stringify(value))
      changes[field] = { from: before ?? null, to: value };
  }
  return changes;
}

/** The change history of rows (orders, cash balances, holdings), newest first. */
export async function readHistory(
  prisma: PrismaClient,
  where: { entity: string; entityKeyPrefix: string }[],
  limit = 200,
): Promise<HistoryEntry[]> {
  const rows = await prisma.entityHistory.findMany({
    where: {
      OR: where.map((filter) => ({ entity: filter.entity, entityKey: { startsWith: filter.entityKeyPrefix } })),
    },
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.map((row) => ({
    id: row.id.toString(),
    entity: row.entity,
    entityKey: row.entityKey,
    operation: row.operation,
    actor: row.actor,
    cause: row.cause,
    changes: diff(row.oldValues as Record<string, unknown> | null, row.newValues as Record<string, unknown> | null),
    changedAt: row.changedAt.toISOString(),
  }));
}

export function orderHistory(prisma: PrismaClient, orderId: string) {
  return readHistory(prisma, [{ entity: "orders", entityKeyPrefix: orderId }]);
}

export function accountHistory(prisma: PrismaClient, accountId: string) {
  return readHistory(prisma, [
    { entity: "cash_balances", entityKeyPrefix: accountId },
    { entity: "holdings", entityKeyPrefix: accountId },
  ]);
}
