import { z } from "zod";
import { ZAuditReason } from "../audit/reason";
import { bulkDecideInput, bulkPreviewInput } from "../operator/bulk.schema";

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

const ZQuarantineKey = z
  .string()
  .trim()
  .regex(
    QUARANTINE_KEY,
    "That is not a Quarantine entry key (like callback:12 or event:345). Refresh the Quarantine and review the entry from its row.",
  );

export const ZQuarantineReviewInput = z.object({ key: ZQuarantineKey, reason: ZAuditReason });
export type TQuarantineReviewInput = z.infer<typeof ZQuarantineReviewInput>;

/** The Quarantine's only decision: mark the entry reviewed, with the reason. */
export const QUARANTINE_DECISIONS = ["REVIEW"] as const;
export type QuarantineDecision = (typeof QUARANTINE_DECISIONS)[number];

/** Rows are entry keys ("callback:12", "event:345"). */
export const ZQuarantinePreviewInput = bulkPreviewInput(QUARANTINE_DECISIONS, ZQuarantineKey);
export type TQuarantinePreviewInput = z.infer<typeof ZQuarantinePreviewInput>;

export const ZQuarantineDecideManyInput = bulkDecideInput(QUARANTINE_DECISIONS, ZQuarantineKey);
export type TQuarantineDecideManyInput = z.infer<typeof ZQuarantineDecideManyInput>;
