// Both directions between Meridian and the fee points service carry `Authorization: Bearer <POINTS_SERVICE_SECRET>`:
// our calls to the service, and its sweep's questions to our receiver. Each side checks the other the same way.
import { createHash, timingSafeEqual } from "node:crypto";

export const POINTS_AUTH_HEADER = "authorization";
export const bearer = (secret: string) => `Bearer ${secret}`;

/**
 * Whether an Authorization header presents `secret`. Digests are compared, so neither the secret's content nor its
 * length shows in the time taken.
 */
export function presentsBearer(authorization: string | undefined, secret: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(authorization ?? ""), digest(bearer(secret)));
}
