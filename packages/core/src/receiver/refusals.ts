// Every broker callback the receiver refuses is kept for operators (the Quarantine), so a forged, broken or stray
// webhook is visible instead of being a log line only. Nothing here touches orders or the ledger.
import type { PrismaClient } from "@meridian/db";
import { DomainError } from "../shared/errors";

export const REFUSAL_CODES = ["SIGNATURE", "MALFORMED", "UNKNOWN_BROKER", "UNKNOWN_ORDER", "MISMATCH"] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Enough of a body to see what was sent; a flood of large junk bodies cannot bloat the table. */
export const REFUSED_BODY_MAX_CHARS = 4096;
/** Ids taken from the URL or an untrusted body are cut to this length before they are stored. */
const CLAIMED_ID_MAX_CHARS = 128;

export interface Refusal {
  brokerId: string;
  code: RefusalCode;
  reason: string;
  rawBody: string;
  /** What the body claimed, if it parsed that far (see claimedIds). */
  execId?: string | null;
  orderId?: string | null;
}

export async function recordRefusal(prisma: PrismaClient, refusal: Refusal): Promise<void> {
  await prisma.refusedCallback.create({
    data: {
      brokerId: storable(refusal.brokerId, CLAIMED_ID_MAX_CHARS),
      reasonCode: refusal.code,
      reason: storable(refusal.reason, REFUSED_BODY_MAX_CHARS),
      execId: refusal.execId ? storable(refusal.execId, CLAIMED_ID_MAX_CHARS) : null,
      orderId: refusal.orderId ? storable(refusal.orderId, CLAIMED_ID_MAX_CHARS) : null,
      body: storable(refusal.rawBody, REFUSED_BODY_MAX_CHARS),
    },
  });
}

/** The execution and order ids a body claims, read without trusting its shape: a malformed body may still name them. */
export function claimedIds(body: unknown): { execId: string | null; orderId: string | null } {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === "string" && value.length > 0 ? value : null);
  return { execId: text(fields.execId), orderId: text(fields.clientOrderId) };
}

/** storeExecution's refusals: no such order at this broker (UNKNOWN_ORDER); an execution whose side or symbol differs
 * from its order's, or that reuses a stored execution id with other terms (MISMATCH). */
export function refusalCodeOf(error: DomainError): RefusalCode {
  return error.code === "NOT_FOUND" ? "UNKNOWN_ORDER" : "MISMATCH";
}

// Postgres text cannot hold NUL, and a hostile body may contain one: dropped so the refusal is still recorded.
function storable(text: string, maxChars: number): string {
  return text.replaceAll("\u0000", "").slice(0, maxChars);
}
