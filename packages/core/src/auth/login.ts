import bcrypt from "bcryptjs";
import type { PrismaClient } from "@meridian/db";
import { DomainError } from "../shared/errors";

/** The same answer and roughly the same time for an unknown email and a wrong password. */
const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.jQ1yCZSc6yXkqfQmU1N1s3Sj5Kx2";

export async function verifyLogin(prisma: PrismaClient, input: { email: string; password: string }) {
  const user = await prisma.user.findUnique({ where: { email: input.email.trim().toLowerCase() } });
  const ok = await bcrypt.compare(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) throw new DomainError("FORBIDDEN", "Email or password is wrong. Check both and try again.");
  return user;
}
