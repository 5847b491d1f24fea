import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="panel max-w-md p-6 text-center">
        <p className="text-xs font-semibold uppercase tracking-wide text-neutral-500">404 · Not found</p>
        <h1 className="mt-2 text-base font-semibold">There is nothing at this address.</h1>
        <p className="mt-1 text-neutral-600">Check the order id, or start again from your home screen.</p>
        <Link href="/" className="btn btn-primary mt-4">
          Go home
        </Link>
      </div>
    </main>
  );
}
