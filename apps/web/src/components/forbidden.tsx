import Link from "next/link";

/** Shown instead of a page the signed-in person may not see. */
export function Forbidden({ message }: { message: string }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="panel max-w-md p-6 text-center">
        <p className="text-xs font-semibold uppercase tracking-wide text-neutral-500">403 · Not allowed</p>
        <h1 className="mt-2 text-base font-semibold">{message}</h1>
        <div className="mt-4 flex justify-center gap-2">
          <Link href="/" className="btn btn-ghost">
            Back to trading
          </Link>
          <Link href="/login" className="btn btn-primary">
            Sign in as someone else
          </Link>
        </div>
      </div>
    </main>
  );
}
