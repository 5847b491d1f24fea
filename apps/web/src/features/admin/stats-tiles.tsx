import clsx from "clsx";
import type { AdminStats } from "./router-types";

const WORKING = ["PENDING_NEW", "SUBMITTING", "ACCEPTED", "PARTIALLY_FILLED", "PENDING_CANCEL"] as const;
const CLOSED_UNFILLED = ["CANCELLED", "REJECTED", "EXPIRED"] as const;

function Tile({ label, value, hint, alert }: { label: string; value: number; hint?: string; alert?: boolean }) {
  return (
    <div className={clsx("panel px-3 py-2", alert && "border-red-300 bg-red-50")} data-testid={`tile-${label}`}>
      <div className={clsx("text-[11px] uppercase tracking-wide", alert ? "text-red-700" : "text-neutral-500")}>
        {label}
      </div>
      <div className={clsx("num text-xl font-semibold", alert && "text-red-700")}>{value.toLocaleString("en-US")}</div>
      {hint && <div className="text-[11px] text-neutral-500">{hint}</div>}
    </div>
  );
}

export function StatsTiles({ stats }: { stats: AdminStats | undefined }) {
  const count = (status: string) => (stats?.byStatus as Record<string, number> | undefined)?.[status] ?? 0;
  const total = stats ? Object.values(stats.byStatus as Record<string, number>).reduce((a, b) => a + b, 0) : 0;
  const lastHour = stats?.ordersPerMinute.reduce((a, m) => a + m.count, 0) ?? 0;
  const attention = count("NEEDS_ATTENTION");
  const unknown = count("UNKNOWN");
  return (
    <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-6">
      <Tile label="Orders" value={total} hint="all time" />
      <Tile label="Last hour" value={lastHour} hint="placed in the last 60 min" />
      <Tile label="Working" value={WORKING.reduce((a, s) => a + count(s), 0)} hint="at us or at the broker" />
      <Tile label="Filled" value={count("FILLED")} />
      <Tile
        label="Closed unfilled"
        value={CLOSED_UNFILLED.reduce((a, s) => a + count(s), 0)}
        hint="cancelled, rejected, expired"
      />
      <Tile
        label="Needs attention"
        value={attention + unknown}
        hint={
          attention > 0
            ? `${attention} need a decision; filter by status below`
            : `${unknown} unknown, retrying on their own`
        }
        alert={attention > 0}
      />
    </div>
  );
}
