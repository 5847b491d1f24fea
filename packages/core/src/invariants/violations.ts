// The open violations, kept from pass to pass: a break seen for the first time is opened, one seen again has its last
// sighting (and message) updated, one no longer seen is resolved. One row per break while it lasts; the console lists
// them and /health counts them.
import type { Tx } from "@meridian/db";
import { violationFingerprint, type Violation } from "./codes";

export interface OpenViolation {
  id: bigint;
  fingerprint: string;
  accountId: string | null;
  orderId: string | null;
}

export async function openViolations(tx: Tx): Promise<OpenViolation[]> {
  return tx.invariantViolation.findMany({
    where: { resolvedAt: null },
    select: { id: true, fingerprint: true, accountId: true, orderId: true },
  });
}

export interface Settled {
  opened: Violation[];
  resolved: number;
  open: number;
}

/**
 * Records what a pass found against what was open. The pass must have checked the account or order of every open
 * violation (it puts them in its scope): an open violation it did not find again is taken as fixed.
 */
export async function settleViolations(
  tx: Tx,
  open: OpenViolation[],
  found: Violation[],
  seenAt: Date,
): Promise<Settled> {
  const foundByFingerprint = new Map(found.map((violation) => [violationFingerprint(violation), violation]));
  const openByFingerprint = new Map(open.map((violation) => [violation.fingerprint, violation]));
  const fixed = open
    .filter((violation) => !foundByFingerprint.has(violation.fingerprint))
    .map((violation) => violation.id);
  const again = [...foundByFingerprint].filter(([fingerprint]) => openByFingerprint.has(fingerprint));
  const fresh = [...foundByFingerprint].filter(([fingerprint]) => !openByFingerprint.has(fingerprint));
  if (fixed.length)
    await tx.invariantViolation.updateMany({ where: { id: { in: fixed } }, data: { resolvedAt: seenAt } });
  if (again.length) {
    const ids = again.map(([fingerprint]) => openByFingerprint.get(fingerprint)!.id.toString());
    const messages = again.map(([, violation]) => violation.message);
    await tx.$executeRaw`
      UPDATE invariant_violations v SET last_seen_at = ${seenAt}, message = seen.message
        FROM unnest(${ids}::bigint[], ${messages}::text[]) AS seen(id, message)
       WHERE v.id = seen.id`;
  }
  if (fresh.length) {
    await tx.invariantViolation.createMany({
      data: fresh.map(([fingerprint, violation]) => ({
        fingerprint,
        invariant: violation.invariant,
        accountId: violation.accountId ?? null,
        orderId: violation.orderId ?? null,
        message: violation.message,
        firstSeenAt: seenAt,
        lastSeenAt: seenAt,
      })),
    });
  }
  return { opened: fresh.map(([, violation]) => violation), resolved: fixed.length, open: foundByFingerprint.size };
}
