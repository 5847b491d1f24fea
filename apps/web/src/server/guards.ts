import "server-only";
import { redirect } from "next/navigation";
import { getSession, type SessionUser } from "./session";

function loginUrl(next: string) {
  return `/login?next=${encodeURIComponent(next)}`;
}

/** Customer screens: signed-out people sign in; operators belong in their console. */
export async function requireCustomer(path: string): Promise<SessionUser> {
  const user = await getSession();
  if (!user) redirect(loginUrl(path));
  if (user.role !== "CUSTOMER") redirect("/admin");
  return user;
}

/** Operator console: signed-out people sign in; customers get `null` and the page renders its 403. */
export async function requireOperator(path: string): Promise<SessionUser | null> {
  const user = await getSession();
  if (!user) redirect(loginUrl(path));
  return user.role === "OPERATOR" ? user : null;
}

export const OPERATORS_ONLY = "This console is for operators. Sign in with an operator account.";
