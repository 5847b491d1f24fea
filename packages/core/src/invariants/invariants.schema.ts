import { z } from "zod";

export const ZInvariantViolationsInput = z.object({
  /** Resolved violations shown: those resolved within this many hours (default 24). */
  resolvedWithinHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .optional(),
  /** At most this many of each list (default 200). */
  limit: z.number().int().min(1).max(1000).optional(),
});
export type TInvariantViolationsInput = z.infer<typeof ZInvariantViolationsInput>;
