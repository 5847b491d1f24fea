import type { ReactNode } from "react";
import { timeText } from "@/lib/format";

type PolledQuery = { isError: boolean; error: { message: string } | null; data: unknown; dataUpdatedAt: number };

/** A console page's title, a line on what the list holds and when it was read, and what the page is for. */
export function PageHeading({ title, status, children }: { title: string; status: ReactNode; children?: ReactNode }) {
  return (
    <div className="px-1">
      <div className="flex items-baseline gap-3">
        <h1 className="text-sm font-semibold">{title}</h1>
        <span className="num text-[12px] text-neutral-500">{status}</span>
      </div>
      {children}
    </div>
  );
}

/** "3 orders waiting · updated 14:03:05", or why the list could not be read (it keeps polling). */
export function PollStatus({
  query,
  children,
  everySeconds = 2,
}: {
  query: PolledQuery;
  children: ReactNode;
  everySeconds?: number;
}) {
  if (query.isError) {
    return (
      <span className="text-rose-700">
        {query.error?.message} The list retries every {everySeconds} s.
      </span>
    );
  }
  if (query.data === undefined) return <>Loading…</>;
  return (
    <>
      {children}
      {query.dataUpdatedAt > 0 && (
        <span className="ml-2">updated {timeText(new Date(query.dataUpdatedAt).toISOString())}</span>
      )}
    </>
  );
}
