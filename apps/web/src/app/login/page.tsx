import type { Metadata } from "next";
import Link from "next/link";
import { getSession } from "@/server/session";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

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
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <div className="mb-4 text-center">
          <h1 className="text-lg font-semibold tracking-wide">Meridian</h1>
          <p className="text-xs text-neutral-500">US stocks through our partner brokers</p>
        </div>
        <div className="panel p-5">
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
