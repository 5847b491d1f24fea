"use client";

import Link from "next/link";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="panel max-w-md p-6 text-center">
        <p className="text-xs font-semibold uppercase tracking-wide text-neutral-500">Something went wrong</p>
        <h1 className="mt-2 text-base font-semibold">This page could not load.</h1>
        <p className="mt-1 text-neutral-600">
          Try again. If it keeps failing, sign in again or contact support
          {error.digest ? (
            <>
              {" "}
              with reference <span className="font-mono">{error.digest}</span>
            </>
          ) : null}
          .
        </p>
        <div className="mt-4 flex justify-center gap-2">
          <button type="button" className="btn btn-primary" onClick={reset}>
            Try again
          </button>
          <Link href="/login" className="btn btn-ghost">
            Sign in again
          </Link>
        </div>
      </div>
    </main>
  );
}
