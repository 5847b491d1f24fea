import type { Metadata } from "next";
import Link from "next/link";
import { getSession } from "@/server/session";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

/** Why the person is here after a session ended (`?ended=`): what happened, and what to do next. */
const ENDED: Record<string, string> = {
  idle: "You were signed out because the session was not used for a while. Sign in again to continue.",
  expired: "Your session reached its time limit. Sign in again to continue.",
  revoked:
    "You were signed out: this session was ended on another device or by Meridian support. Sign in again to continue; if you did not expect this, change your password or contact support.",
  everywhere: "You are signed out on every device. Sign in again on each device you use.",
};

/** Only same-site paths: a `next` pointing elsewhere would make the login page an open redirect. */
function safeNext(next: string | string[] | undefined): string | null {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : null;
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [user, params] = await Promise.all([getSession(), searchParams]);
  const next = safeNext(params.next);
  const ended = typeof params.ended === "string" ? ENDED[params.ended] : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <div className="mb-4 text-center">
          <h1 className="text-lg font-semibold tracking-wide">Meridian</h1>
          <p className="text-xs text-neutral-500">US stocks through our partner brokers</p>
        </div>
        <div className="panel p-5">
          {ended && !user && (
            <p className="mb-4 rounded bg-amber-50 px-3 py-2 text-xs text-amber-900" data-testid="session-ended">
              {ended}
            </p>
          )}
          {user && (
            <p className="mb-4 rounded bg-neutral-50 px-3 py-2 text-xs text-neutral-600">
              You are already signed in.{" "}
              <Link className="font-medium text-neutral-900 underline" href={user.role === "OPERATOR" ? "/admin" : "/"}>
                Continue
              </Link>{" "}
              or sign in with another account below.
            </p>
          )}
          <LoginForm next={next} />
        </div>
      </div>
    </main>
  );
}
