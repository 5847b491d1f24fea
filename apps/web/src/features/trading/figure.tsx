import clsx from "clsx";
import type { ReactNode } from "react";

/** One labelled balance in the portfolio's strip of figures; `detail` is a smaller line beside the value. */
export function Figure({
  label,
  value,
  testId,
  emphasis,
  detail,
  title,
}: {
  label: string;
  value: string;
  testId: string;
  emphasis?: boolean;
  detail?: ReactNode;
  title?: string;
}) {
  return (
    <div className="px-3 py-2" title={title}>
      <div className="text-[11px] uppercase tracking-wide text-neutral-500">{label}</div>
      <div className="num whitespace-nowrap">
        <span className={clsx(emphasis ? "text-base font-semibold" : "text-sm font-medium")} data-testid={testId}>
          {value}
        </span>
        {detail && <span className="text-[12px] text-neutral-500"> · {detail}</span>}
      </div>
    </div>
  );
}
