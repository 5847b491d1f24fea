// Bulk decisions on an operator queue, after Temporal's batch operations: the operator previews what one decision
// will do to each selected row, then applies it with one reason. Rows are applied one at a time through the queue's
// single-row handler, so each is idempotent and audited exactly as a decision taken alone; a row whose state changed
// since the preview is skipped, so a batch never acts on a state the operator did not see; one row's refusal never
// stops the rest. The batch itself is audited once more, with its counts.
import { randomUUID } from "node:crypto";
import { recordAudit } from "../audit/audit";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import type { Plan } from "./plan";

/** A row's state at one moment; `${state}@${version}` is the opaque `expected` token the console sends back. */
export interface RowState {
  /** Readable: "UNKNOWN", "TRYING", "open", "GONE". */
  state: string;
  version: number | string;
}

export interface BulkPreviewRow {
  id: string;
  expected: string;
  applicable: boolean;
  willDo: string;
}

export type BulkOutcomeKind = "applied" | "skipped" | "failed";

export interface BulkOutcome {
  id: string;
  outcome: BulkOutcomeKind;
  message: string;
}

export interface BulkResult {
  batchId: string;
  outcomes: BulkOutcome[];
}

/** The state of a row that no longer exists (or never did). */
export const GONE: RowState = { state: "GONE", version: "-" };

export function stateToken(row: RowState): string {
  return `${row.state}@${row.version}`;
}

/** Previews run a few rows at a time: a plan may ask a broker, and 200 lookups one after another would be slow. */
const PREVIEW_CONCURRENCY = 8;

export async function previewEach(
  ids: readonly string[],
  planRow: (id: string) => Promise<{ state: RowState; plan: Plan }>,
): Promise<{ rows: BulkPreviewRow[] }> {
  const rows: BulkPreviewRow[] = new Array(ids.length);
  let next = 0;
  async function lane() {
    for (let index = next++; index < ids.length; index = next++) {
      const id = ids[index]!;
      const { state, plan } = await planRow(id);
      rows[index] = { id, expected: stateToken(state), applicable: plan.applicable, willDo: plan.willDo };
    }
  }
  await Promise.all(Array.from({ length: Math.min(PREVIEW_CONCURRENCY, ids.length) }, lane));
  return { rows };
}

export interface DecideEachArgs {
  ctx: { services: Pick<CoreServices, "prisma" | "logger">; actor: string };
  /** The queue's name, the prefix of the batch's audit action: "attention" → "attention.bulk". */
  queue: string;
  decision: string;
  reason: string;
  rows: readonly { id: string; expected: string }[];
  currentState: (id: string) => Promise<RowState>;
  /** Applies the decision to one row through the single-row handler; returns what happened, for a person. */
  apply: (id: string, batchId: string) => Promise<string>;
}

export async function decideEach({
  ctx,
  queue,
  decision,
  reason,
  rows,
  currentState,
  apply,
}: DecideEachArgs): Promise<BulkResult> {
  const batchId = randomUUID();
  const outcomes: BulkOutcome[] = [];
  // Sequential on purpose: rows of one account would only queue on its lock, and the order of outcomes is the order
  // in which they happened.
  for (const row of rows) outcomes.push(await decideOne(ctx, row, batchId, currentState, apply));
  const count = (kind: BulkOutcomeKind) => outcomes.filter((outcome) => outcome.outcome === kind).length;
  await ctx.services.prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: ctx.actor,
      action: `${queue}.bulk`,
      targetType: "operator_batch",
      targetId: batchId,
      reason,
      detail: {
        queue,
        decision,
        rows: rows.length,
        applied: count("applied"),
        skipped: count("skipped"),
        failed: count("failed"),
        ids: rows.map((row) => row.id),
      },
    }),
  );
  return { batchId, outcomes };
}

async function decideOne(
  ctx: DecideEachArgs["ctx"],
  row: { id: string; expected: string },
  batchId: string,
  currentState: DecideEachArgs["currentState"],
  apply: DecideEachArgs["apply"],
): Promise<BulkOutcome> {
  try {
    const now = await currentState(row.id);
    if (stateToken(now) !== row.expected)
      return { id: row.id, outcome: "skipped", message: changedSince(row.expected, now) };
    return { id: row.id, outcome: "applied", message: await apply(row.id, batchId) };
  } catch (error) {
    if (error instanceof DomainError) return { id: row.id, outcome: "failed", message: error.message };
    ctx.services.logger.error({ err: error, rowId: row.id, batchId }, "bulk decision failed on a row");
    return {
      id: row.id,
      outcome: "failed",
      message: "Something went wrong on our side; this row was not changed. Try it again on its own.",
    };
  }
}

function changedSince(expected: string, now: RowState): string {
  const previewed = expected.slice(0, expected.lastIndexOf("@"));
  if (previewed === now.state)
    return `Changed since the preview: still ${now.state}, but updated since; nothing was done. Preview again.`;
  return `Changed since the preview: now ${now.state}; nothing was done. Preview again.`;
}
