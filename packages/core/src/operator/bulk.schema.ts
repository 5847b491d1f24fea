// Inputs of every queue's bulk procedures (admin.<queue>.preview / decideMany): the same shape for each queue, only
// the decision values and the row id differ.
import { z } from "zod";
import { ZAuditReason } from "../audit/reason";

export const BULK_MAX_ROWS = 200;

const distinct = (ids: string[]) => new Set(ids).size === ids.length;
const DISTINCT_MESSAGE = "Each row may be selected once; remove the repeated ids.";
const SIZE_MESSAGE = `Select between 1 and ${BULK_MAX_ROWS} rows.`;

/** `{ ids, decision }`: what the decision would do to each row now. */
export function bulkPreviewInput<const Decisions extends readonly [string, ...string[]], Id extends z.ZodType<string>>(
  decisions: Decisions,
  id: Id,
) {
  return z.object({
    ids: z.array(id).min(1, SIZE_MESSAGE).max(BULK_MAX_ROWS, SIZE_MESSAGE).refine(distinct, DISTINCT_MESSAGE),
    decision: z.enum(decisions),
  });
}

/** `{ decision, reason, rows: [{ id, expected }] }`: apply the decision to rows still in their previewed state. */
export function bulkDecideInput<const Decisions extends readonly [string, ...string[]], Id extends z.ZodType<string>>(
  decisions: Decisions,
  id: Id,
) {
  return z.object({
    decision: z.enum(decisions),
    reason: ZAuditReason,
    rows: z
      .array(z.object({ id, expected: z.string().min(1).max(200) }))
      .min(1, SIZE_MESSAGE)
      .max(BULK_MAX_ROWS, SIZE_MESSAGE)
      .refine((rows) => distinct(rows.map((row) => (row as { id: string }).id)), DISTINCT_MESSAGE),
  });
}
