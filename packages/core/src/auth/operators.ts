// Operator accounts are made on the command line (scripts/create-operator.ts), never by a default: outside the demo
// seed there is no operator until someone with database access creates one, with a password the policy accepts.
import type { PrismaClient, User } from "@meridian/db";
import { recordAudit } from "../audit";
import { DomainError } from "../shared/errors";
import { normalizeEmail } from "./login";
import { assertPasswordPolicy } from "./passwordPolicy";
import { hashPassword } from "./passwords";

export async function createOperator(
  prisma: PrismaClient,
  input: { email: string; name: string; password: string; createdBy: string },
): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new DomainError(
      "BAD_REQUEST",
      `"${input.email}" is not an email address; give one like ops@bank.example.`,
      "email",
    );
  if (!name) throw new DomainError("BAD_REQUEST", "Give the operator's name with --name.", "name");
  assertPasswordPolicy(input.password, email);
  if (await prisma.user.findUnique({ where: { email } }))
    throw new DomainError("CONFLICT", `A user with the email ${email} exists already; choose another email.`, "email");
  const passwordHash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email, name, role: "OPERATOR", passwordHash } });
    await recordAudit(tx, {
      actor: input.createdBy,
      action: "auth.operator.created",
      targetType: "login",
      targetId: email,
      reason: "Operator created from the command line.",
      detail: { userId: user.id },
    });
    return user;
  });
}
