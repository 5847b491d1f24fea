import type { ReactNode } from "react";

/** One labelled value in a detail page's definition grid. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] uppercase tracking-wide text-neutral-500">{label}</dt>
      <dd className="num truncate">{children}</dd>
    </div>
  );
}
