// Signs and verifies the execution webhooks a broker POSTs to our receiver. The timestamp is inside the MAC so a
// captured request cannot be replayed outside the tolerance window, and the comparison is constant-time.
import { createHmac, timingSafeEqual } from "node:crypto";

export const WEBHOOK_TIMESTAMP_HEADER = "x-meridian-timestamp";
export const WEBHOOK_SIGNATURE_HEADER = "x-meridian-signature";
export const DEFAULT_WEBHOOK_TOLERANCE_MS = 300_000;

const SIGNATURE_HEX = /^[0-9a-f]{64}$/i;
const TIMESTAMP_DIGITS = /^\d{1,16}$/;

function macOf(secret: string, timestampMs: number | string, rawBody: string | Uint8Array): Buffer {
  return createHmac("sha256", secret).update(`${timestampMs}.`).update(rawBody).digest();
}

/** Hex HMAC-SHA256 over `${timestampMs}.${rawBody}`. Sign the exact bytes you send. */
export function signWebhook(secret: string, timestampMs: number | string, rawBody: string | Uint8Array): string {
  return macOf(secret, timestampMs, rawBody).toString("hex");
}

export interface VerifyWebhookInput {
  secret: string;
  /** The `x-meridian-timestamp` header as received (ms since epoch). */
  timestamp: string | null | undefined;
  /** The `x-meridian-signature` header as received (hex). */
  signature: string | null | undefined;
  /** The request body exactly as received, before any JSON parsing. */
  rawBody: string | Uint8Array;
  nowMs?: number;
  toleranceMs?: number;
}

export type VerifyWebhookResult = { ok: true } | { ok: false; reason: string };

export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult {
  const { secret, timestamp, signature, rawBody } = input;
  const nowMs = input.nowMs ?? Date.now();
  const toleranceMs = input.toleranceMs ?? DEFAULT_WEBHOOK_TOLERANCE_MS;

  if (!secret) return { ok: false, reason: "no webhook secret configured" };
  if (!timestamp) return { ok: false, reason: `missing ${WEBHOOK_TIMESTAMP_HEADER} header` };
  if (!signature) return { ok: false, reason: `missing ${WEBHOOK_SIGNATURE_HEADER} header` };
  if (!TIMESTAMP_DIGITS.test(timestamp)) return { ok: false, reason: "timestamp is not milliseconds since epoch" };
  if (!SIGNATURE_HEX.test(signature)) return { ok: false, reason: "signature is not 64 hex characters" };

  const timestampMs = Number(timestamp);
  if (timestampMs < nowMs - toleranceMs) return { ok: false, reason: "timestamp is too old (possible replay)" };
  if (timestampMs > nowMs + toleranceMs) return { ok: false, reason: "timestamp is in the future" };

  const expected = macOf(secret, timestamp, rawBody);
  const received = Buffer.from(signature, "hex");
  // Both are 32 bytes here (the regex above), which timingSafeEqual requires.
  if (!timingSafeEqual(expected, received)) return { ok: false, reason: "signature mismatch" };
  return { ok: true };
}
