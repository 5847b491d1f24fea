// Ledger entries and order events are append-only, and nothing reads them back in the transaction that writes them.
// A transaction that writes many — the ledger applying a batch of executions — may hold them back and insert them
// with one statement per table right before it commits, instead of one statement per row. It is opt-in: only a
// transaction that called `holdAppends` holds them back, and it calls `flushAppends` before it returns (so before
// commit); every other transaction writes each row at once. Rows keep the order they were appended in.
import type { Prisma, Tx } from "@meridian/db";

interface HeldAppends {
  ledgerEntries: Prisma.LedgerEntryCreateManyInput[];
  orderEvents: Prisma.OrderEventCreateManyInput[];
}

const held = new WeakMap<Tx, HeldAppends>();

export function holdAppends(tx: Tx): void {
  held.set(tx, { ledgerEntries: [], orderEvents: [] });
}

export async function appendLedgerEntries(tx: Tx, entries: Prisma.LedgerEntryCreateManyInput[]): Promise<void> {
  if (entries.length === 0) return;
  const holding = held.get(tx);
  if (holding) holding.ledgerEntries.push(...entries);
  else await tx.ledgerEntry.createMany({ data: entries });
}

export async function appendOrderEvent(tx: Tx, event: Prisma.OrderEventCreateManyInput): Promise<void> {
  const holding = held.get(tx);
  if (holding) holding.orderEvents.push(event);
  else await tx.orderEvent.create({ data: event });
}

/** Writes what `holdAppends` held back, one statement per table; the transaction writes at once from here on. */
export async function flushAppends(tx: Tx): Promise<void> {
  const holding = held.get(tx);
  held.delete(tx);
  if (!holding) return;
  if (holding.ledgerEntries.length) await tx.ledgerEntry.createMany({ data: holding.ledgerEntries });
  if (holding.orderEvents.length) await tx.orderEvent.createMany({ data: holding.orderEvents });
}
