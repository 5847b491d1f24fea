import Link from "next/link";
import type { ReactNode } from "react";

/** What a detail page shows before its record is read, or when it cannot be: what to do next. */
export function DetailPending({
  error,
  loading,
  hint,
}: {
  error: { message: string } | null;
  loading: string;
  hint: string;
}) {
  return <main className="p-4 text-neutral-600">{error ? `${error.message} ${hint}` : loading}</main>;
}

/** "← All orders", the record's title (the page's h1) and anything beside it; a failed refresh says it retries. */
export function DetailHeading({ refreshFailed, children }: { refreshFailed: boolean; children: ReactNode }) {
  return (
    <div className="flex items-center gap-3 px-1">
      <Link href="/admin" className="text-[12px] text-neutral-500 hover:text-neutral-900">
        ← All orders
      </Link>
      {children}
      {refreshFailed && <span className="text-[12px] text-rose-700">Refresh failed, retrying every 2 s.</span>}
    </div>
  );
}

/** The console's order list filtered to one account. */
export function AccountOrdersLink({ accountNo }: { accountNo: string }) {
  return (
    <Link className="hover:text-neutral-900" href={`/admin?accountNo=${encodeURIComponent(accountNo)}`}>
      All orders of this account →
    </Link>
  );
}
