import type { ReactNode } from "react";
import { timeText } from "@/lib/format";

type PolledQuery = { isError: boolean; error: { message: string } | null; data: unknown; dataUpdatedAt: number };

/**
 * A console page (or, at `level` 2, a second list on one): its title, a line on what the list holds and when it was
 * read, what the page is for, then the content.
 */
export function ConsolePage({
  title,
  query,
  everySeconds,
  status,
  explanation,
  explanationTestId,
  level = 1,
  children,
}: {
  title: string;
  query: PolledQuery;
  everySeconds?: number;
  status: ReactNode;
  explanation: ReactNode;
  explanationTestId: string;
  level?: 1 | 2;
  children: ReactNode;
}) {
  const Heading = level === 1 ? "h1" : "h2";
  const body = (
    <>
      <div className="px-1">
        <div className="flex items-baseline gap-3">
          <Heading className="text-sm font-semibold">{title}</Heading>
          <span className="num text-[12px] text-neutral-500">
            <PollStatus query={query} everySeconds={everySeconds}>
              {status}
            </PollStatus>
          </span>
        </div>
        <div className="mt-0.5 text-[12.5px] text-neutral-600" data-testid={explanationTestId}>
          {explanation}
        </div>
      </div>
      {children}
    </>
  );
  if (level === 2) {
    return (
      <section className="flex flex-col gap-2 px-2 pb-2" aria-label={title}>
        {body}
      </section>
    );
  }
  return <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">{body}</main>;
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
