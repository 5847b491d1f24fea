// The console's view of a customer's sessions (the account page): list them, and revoke one with a reason, audited
// with who and when in the same transaction as the revocation.
import { recordAudit } from "../audit/audit";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import type { TAccountSessionsInput, TRevokeSessionInput } from "./sessions.schema";
import { listSessions, revokeSession } from "./sessions";

interface OperatorRequest {
  services: CoreServices;
  actor: string;
}

async function ownerOf(services: CoreServices, accountId: string): Promise<string> {
  const account = await services.prisma.account.findUnique({ where: { id: accountId }, select: { userId: true } });
  if (!account) throw new DomainError("NOT_FOUND", "There is no such account. Open it again from an order.");
  return account.userId;
}

export async function listAccountSessions({ ctx, input }: { ctx: OperatorRequest; input: TAccountSessionsInput }) {
  const userId = await ownerOf(ctx.services, input.accountId);
  return listSessions(ctx.services.prisma, userId, ctx.services.config.auth.sessions);
}

export async function revokeAccountSession({ ctx, input }: { ctx: OperatorRequest; input: TRevokeSessionInput }) {
  const { prisma } = ctx.services;
  const userId = await ownerOf(ctx.services, input.accountId);
  const session = await prisma.session.findFirst({
    where: { id: input.sessionId, userId },
    select: { id: true },
  });
  if (!session)
    throw new DomainError("NOT_FOUND", "This account has no such session. Reload the page to see its sessions.");
  const revokedAt = new Date();
  await prisma.$transaction(async (tx) => {
    const revoked = await revokeSession(tx, {
      sessionId: session.id,
      by: ctx.actor,
      reason: input.reason,
      now: revokedAt,
    });
    if (!revoked)
      throw new DomainError("CONFLICT", "This session was revoked already. Reload the page to see who revoked it.");
    await recordAudit(tx, {
      actor: ctx.actor,
      action: "auth.session.revoke",
      targetType: "session",
      targetId: session.id,
      reason: input.reason,
      detail: { accountId: input.accountId, userId },
    });
  });
  return { sessionId: session.id, revokedAt: revokedAt.toISOString() };
}
