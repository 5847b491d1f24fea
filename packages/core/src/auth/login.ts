// Signing in: the lockout first (before any password work, so a locked key costs us nothing), then the password,
// then the outcome counted and audited. Every answer is the same for an unknown email and a wrong password, in
// words and, as closely as we can make it, in time.
import type { User } from "@meridian/db";
import { DomainError } from "../shared/errors";
import type { CoreServices } from "../services";
import { auditLogin, type RequestInfo } from "./loginAudit";
import type { TLoginInput } from "./login.schema";
import { loginThrottleOf } from "./loginThrottle";
import { hashPassword, needsRehash, verifyPassword } from "./passwords";

export const WRONG_CREDENTIALS = "Email or password is wrong. Check both and try again.";

/** An unknown email is checked against this, so it costs one scrypt like a known one (computed once per process). */
let dummyHash: Promise<string> | null = null;
const dummy = () => (dummyHash ??= hashPassword("not anyone's password"));

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function lockoutMessage(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `Too many sign-in attempts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

const NO_REQUEST: RequestInfo = { ip: null, userAgent: null };

export async function signIn({
  ctx,
  input,
}: {
  ctx: { services: CoreServices; request?: RequestInfo };
  input: TLoginInput;
}): Promise<User> {
  const { prisma } = ctx.services;
  const request = ctx.request ?? NO_REQUEST;
  const email = normalizeEmail(input.email);
  const keys = { email, address: request.ip };
  const throttle = loginThrottleOf(ctx.services);

  const lockedMs = await throttle.lockedForMs(keys);
  if (lockedMs > 0) {
    await auditLogin(prisma, {
      outcome: "locked",
      email,
      userId: null,
      reason: "Refused without checking the password: too many failed sign-ins for this email or address.",
      request,
    });
    throw new DomainError("TOO_MANY_REQUESTS", lockoutMessage(lockedMs));
  }

  const user = await prisma.user.findUnique({ where: { email } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummy()));
  if (!user || !ok) {
    const lockoutStarted = await throttle.recordFailure(keys);
    await auditLogin(prisma, {
      outcome: "failed",
      email,
      userId: null,
      reason: `${user ? "Wrong password" : "No user has this email"}${lockoutStarted ? "; sign-in is now locked" : ""}.`,
      request,
    });
    if (lockoutStarted) throw new DomainError("TOO_MANY_REQUESTS", lockoutMessage(lockoutStarted));
    throw new DomainError("FORBIDDEN", WRONG_CREDENTIALS);
  }

  await throttle.recordSuccess(keys);
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
  await prisma.$transaction(async (tx) => {
    // Only if the hash is still the one we verified: a password changed meanwhile is not overwritten.
    if (rehash)
      await tx.user.updateMany({
        where: { id: user.id, passwordHash: user.passwordHash },
        data: { passwordHash: rehash },
      });
    await auditLogin(tx, {
      outcome: "succeeded",
      email,
      userId: user.id,
      reason: rehash ? "Signed in; the password hash was upgraded to scrypt." : "Signed in.",
      request,
    });
  });
  return user;
}
