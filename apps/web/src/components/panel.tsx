import clsx from "clsx";
import type { ReactNode } from "react";

/**
 * A titled box of the console: the title (also the region's accessible name unless `label` says otherwise), a note on
 * the right of the title bar, and the content. `warning` paints the title bar amber, for what needs a look.
 */
export function Panel({
  title,
  label,
  note,
  tone,
  testId,
  className,
  children,
}: {
  title: ReactNode;
  label?: string;
  note?: ReactNode;
  tone?: "warning";
  testId?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section
      className={clsx("panel", tone === "warning" && "border-amber-300", className)}
      aria-label={label ?? (typeof title === "string" ? title : undefined)}
      data-testid={testId}
    >
      <div className={clsx("panel-title", tone === "warning" && "bg-amber-50 text-amber-800")}>
        <span>{title}</span>
        {note !== undefined && (
          <span
            className={clsx(
              "font-normal normal-case tracking-normal",
              tone === "warning" ? "text-amber-700" : "text-neutral-400",
            )}
          >
            {note}
          </span>
        )}
      </div>
      {children}
    </section>
  );
}
