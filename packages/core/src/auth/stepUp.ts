// Step-up: an operator confirms their password before an action that moves money or changes the system, and the
// confirmation is good for SESSION_STEP_UP_MS (5 minutes) in that session only. Wrong passwords count toward the same
// sign-in throttle as wrong sign-ins, so a stolen session cannot be used to guess its owner's password either.
import { recordAudit } from "../audit/audit";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import { lockoutMessage, normalizeEmail } from "./login";
import { STEP_UP_ACTIONS, type RequestInfo } from "./loginAudit";
import { loginThrottleOf } from "./loginThrottle";
import { verifyPassword } from "./passwords";
import type { TStepUpInput } from "./sessions.schema";
import { recordStepUp } from "./sessions";

export const WRONG_STEP_UP_PASSWORD = "That password is wrong. Type the password you sign in with.";

interface StepUpRequest {
  services: CoreServices;
  session: { id?: string | undefined };
  actor: string;
  user: { userId: string };
  request?: RequestInfo | undefined;
}

/** Whether a step-up made at `steppedUpAt` still covers an action at `now`. */
export function isSteppedUp(
  steppedUpAt: Date | null | undefined,
  stepUpMs: number,
  now = new Date(),
): steppedUpAt is Date {
  return !!steppedUpAt && now.getTime() - steppedUpAt.getTime() < stepUpMs;
}

export async function stepUp({ ctx, input }: { ctx: StepUpRequest; input: TStepUpInput }) {
  const { prisma } = ctx.services;
  const sessionId = ctx.session.id;
  if (!sessionId)
    throw new DomainError("PRECONDITION_FAILED", "This sign-in cannot be confirmed. Sign out and sign in again.");
  const user = await prisma.user.findUniqueOrThrow({ where: { id: ctx.user.userId } });
  const email = normalizeEmail(user.email);
  const keys = { email, address: ctx.request?.ip ?? null };
  const throttle = loginThrottleOf(ctx.services);
  const auditRow = (outcome: keyof typeof STEP_UP_ACTIONS, reason: string) => ({
    actor: ctx.actor,
    action: STEP_UP_ACTIONS[outcome],
    targetType: "login",
    targetId: email,
    reason,
    detail: { sessionId, ip: keys.address, userAgent: ctx.request?.userAgent ?? null },
  });
  const audit = (outcome: keyof typeof STEP_UP_ACTIONS, reason: string) =>
    prisma.$transaction((tx) => recordAudit(tx, auditRow(outcome, reason)));

  const lockedMs = await throttle.lockedForMs(keys);
  if (lockedMs > 0) {
    await audit("locked", "Password confirmation refused without checking: too many failed attempts.");
    throw new DomainError("TOO_MANY_REQUESTS", lockoutMessage(lockedMs));
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    const lockoutStarted = await throttle.recordFailure(keys);
    await audit(
      "failed",
      `Wrong password when confirming an operator action${lockoutStarted ? "; sign-in is now locked" : ""}.`,
    );
    if (lockoutStarted) throw new DomainError("TOO_MANY_REQUESTS", lockoutMessage(lockoutStarted));
    throw new DomainError("FORBIDDEN", WRONG_STEP_UP_PASSWORD, "password");
  }
  await throttle.recordSuccess(keys);
  const steppedUpAt = new Date();
  await prisma.$transaction(async (tx) => {
    if (!(await recordStepUp(tx, sessionId, steppedUpAt)))
      throw new DomainError("PRECONDITION_FAILED", "This session has ended. Sign in again.");
    await recordAudit(tx, auditRow("succeeded", "Password confirmed for operator actions."));
  });
  const validForMs = ctx.services.config.auth.sessions.stepUpMs;
  return {
    steppedUpAt: steppedUpAt.toISOString(),
    validUntil: new Date(steppedUpAt.getTime() + validForMs).toISOString(),
  };
}
