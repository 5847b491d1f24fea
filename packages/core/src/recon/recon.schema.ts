// Inputs of the console's reconciliation procedures (admin.recon.*).
import { z } from "zod";
import { ReconItemStatus, ReconMismatchClass } from "@meridian/db";
import { ZAuditReason } from "../audit/reason";
import { bulkDecideInput, bulkPreviewInput } from "../operator/bulk.schema";

const ZBrokerId = z.string().trim().min(1).max(32);

export const ZReconRunInput = z
  .object({
    /** One broker, or every broker when omitted. */
    brokerId: ZBrokerId.optional(),
    /** Start of the window (ISO-8601); the start of the current trading day (00:00 UTC) when omitted. */
    since: z.iso
      .datetime({ offset: true, message: "Give the window's start as an ISO date-time, e.g. 2026-11-22T00:00:00Z." })
      .optional(),
  })
  .default({});
export type TReconRunInput = z.infer<typeof ZReconRunInput>;

export const ZReconRunsInput = z
  .object({
    brokerId: ZBrokerId.optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .default({});
export type TReconRunsInput = z.infer<typeof ZReconRunsInput>;

export const ZReconItemsInput = z
  .object({
    runId: z.uuid("That is not a valid run id.").optional(),
    status: z.enum(ReconItemStatus).optional(),
    class: z.enum(ReconMismatchClass).optional(),
    brokerId: ZBrokerId.optional(),
    limit: z.number().int().min(1).max(2000).optional(),
  })
  .default({});
export type TReconItemsInput = z.infer<typeof ZReconItemsInput>;

/** APPROVE applies the proposed fix (or acknowledges an ACKNOWLEDGE item); REJECT turns the proposal down. */
export const RECON_DECISIONS = ["APPROVE", "REJECT"] as const;
export type ReconDecision = (typeof RECON_DECISIONS)[number];

const ZItemId = z.uuid("That is not a valid item id.");

export const ZReconDecideInput = z.object({
  itemId: ZItemId,
  decision: z.enum(RECON_DECISIONS),
  reason: ZAuditReason,
});
export type TReconDecideInput = z.infer<typeof ZReconDecideInput>;

export const ZReconPreviewInput = bulkPreviewInput(RECON_DECISIONS, ZItemId);
export type TReconPreviewInput = z.infer<typeof ZReconPreviewInput>;

export const ZReconDecideManyInput = bulkDecideInput(RECON_DECISIONS, ZItemId);
export type TReconDecideManyInput = z.infer<typeof ZReconDecideManyInput>;
