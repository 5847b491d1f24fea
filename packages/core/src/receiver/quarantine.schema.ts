import { z } from "zod";

export const QUARANTINE_DEFAULT_LIMIT = 200;

/** open: waits for an operator's review; reviewed: has one; all: both. */
export const QUARANTINE_STATUSES = ["open", "reviewed", "all"] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];

export const ZQuarantineInput = z.object({
  brokerId: z.string().trim().min(1).max(128).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  /** All entries when omitted; the console opens on "open". */
  status: z.enum(QUARANTINE_STATUSES).optional(),
});
export type TQuarantineInput = z.infer<typeof ZQuarantineInput>;

/** "callback:<refused_callbacks.id>" or "event:<order_events.id>"; at most 18 digits, so any id fits a bigint. */
export const QUARANTINE_KEY = /^(callback|event):([1-9]\d{0,17})$/;

export const ZQuarantineReviewInput = z.object({
  key: z
    .string()
    .trim()
    .regex(
      QUARANTINE_KEY,
      "That is not a Quarantine entry key (like callback:12 or event:345). Refresh the Quarantine and review the entry from its row.",
    ),
  reason: z.string().trim().min(5, "Give a reason of at least 5 characters; it is kept in the audit log.").max(500),
});
export type TQuarantineReviewInput = z.infer<typeof ZQuarantineReviewInput>;
