import "server-only";
import { redirect } from "next/navigation";
import type { SessionEnd } from "@meridian/core/trpc";
import { currentSession, type SessionUser } from "./session";

/** The sign-in page, coming back to `next`; `ended` says why the previous session ended, so the page can say so. */
export function loginUrl(next: string, ended?: SessionEnd) {
  return `/login?next=${encodeURIComponent(next)}${ended ? `&ended=${ended}` : ""}`;
}

/** Customer screens: signed-out people sign in; operators belong in their console. */
export async function requireCustomer(path: string): Promise<SessionUser> {
  const { user, ended } = await currentSession();
  if (!user) redirect(loginUrl(path, ended));
  if (user.role !== "CUSTOMER") redirect("/admin");
  return user;
}

/** Operator console: signed-out people sign in; customers get `null` and the page renders its 403. */
export async function requireOperator(path: string): Promise<SessionUser | null> {
  const { user, ended } = await currentSession();
  if (!user) redirect(loginUrl(path, ended));
  return user.role === "OPERATOR" ? user : null;
}

export const OPERATORS_ONLY = "This console is for operators. Sign in with an operator account.";
