// Idempotency keys derived from a saga and a step: the same (saga, step) always gives the same UUID (RFC 4122 version
// 5, name-based with SHA-1), so a step run again after a crash sends the partner the key it sent before.
import { createHash } from "node:crypto";

/** The namespace of Meridian's saga keys (a fixed random UUID). */
const NAMESPACE = Buffer.from("7d1b3c8e5a2f4f6b9c0d1e2f3a4b5c6d", "hex");

export function sagaStepKey(sagaId: string, name: string): string {
  const hash = createHash("sha1").update(NAMESPACE).update(`${sagaId}:${name}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
