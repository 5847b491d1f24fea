import { z } from "zod";

export const QUARANTINE_DEFAULT_LIMIT = 200;

export const ZQuarantineInput = z.object({
  brokerId: z.string().trim().min(1).max(128).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type TQuarantineInput = z.infer<typeof ZQuarantineInput>;
