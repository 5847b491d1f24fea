import clsx from "clsx";
import type { ReactNode } from "react";

/** The console's small coloured label (statuses, states, classes); `tone` is its bg/text/ring classes. */
export function Pill({
  tone,
  title,
  children,
  ...data
}: { tone: string; title?: string; children: ReactNode } & Record<`data-${string}`, string>) {
  return (
    <span
      {...data}
      title={title}
      className={clsx(
        "inline-flex items-center rounded px-1.5 py-px text-[11px] font-medium whitespace-nowrap ring-1 ring-inset",
        tone,
      )}
    >
      {children}
    </span>
  );
}

export const NEUTRAL_TONE = "bg-neutral-100 text-neutral-700 ring-neutral-300";
