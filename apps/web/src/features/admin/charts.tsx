"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { minuteText } from "@/lib/format";
import { ORDER_STATUSES, STATUS_LABEL } from "@/lib/order-status";
import type { AdminStats } from "./router-types";

// The badge palette, as fills: the chart and the table tell the same colour story.
const STATUS_FILL: Record<string, string> = {
  PENDING_NEW: "#94a3b8",
  SUBMITTING: "#38bdf8",
  ACCEPTED: "#3b82f6",
  PARTIALLY_FILLED: "#14b8a6",
  FILLED: "#10b981",
  UNKNOWN: "#f59e0b",
  PENDING_CANCEL: "#fbbf24",
  CANCELLED: "#a3a3a3",
  REJECTED: "#f43f5e",
  EXPIRED: "#d4d4d4",
  NEEDS_ATTENTION: "#dc2626",
};

const axis = { fontSize: 11, fill: "#737373" };

const MINUTE = 60_000;

/**
 * The server sends only minutes that had orders; the chart shows all 60, quiet ones as zero. Anchored on when the
 * data was fetched (not "now") so server and browser render the same axis.
 */
function lastHour(stats: AdminStats | undefined, fetchedAt: number) {
  if (!stats || fetchedAt === 0) return [];
  const counts = new Map(
    (stats?.ordersPerMinute ?? []).map((m) => [Math.floor(Date.parse(m.minute) / MINUTE), m.count]),
  );
  const end = Math.floor(fetchedAt / MINUTE);
  return Array.from({ length: 60 }, (_, i) => {
    const minute = end - 59 + i;
    return { minute: minuteText(new Date(minute * MINUTE).toISOString()), count: counts.get(minute) ?? 0 };
  });
}

export function OrdersPerMinuteChart({ stats, fetchedAt }: { stats: AdminStats | undefined; fetchedAt: number }) {
  const data = lastHour(stats, fetchedAt);
  return (
    <section className="panel" aria-label="Orders per minute">
      <div className="panel-title">Orders per minute · last 60 min</div>
      <div className="h-40 p-2">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 400, height: 144 }}>
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -20 }}>
            <CartesianGrid stroke="#f0f0f0" vertical={false} />
            <XAxis dataKey="minute" tick={axis} interval="preserveStartEnd" minTickGap={24} />
            <YAxis allowDecimals={false} tick={axis} />
            <Tooltip cursor={{ fill: "#f5f5f5" }} contentStyle={{ fontSize: 12 }} />
            <Bar dataKey="count" name="Orders" fill="#404040" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

export function OrdersByStatusChart({ stats }: { stats: AdminStats | undefined }) {
  const byStatus = (stats?.byStatus ?? {}) as Record<string, number>;
  const data = ORDER_STATUSES.map((status) => ({
    status,
    label: STATUS_LABEL[status],
    count: byStatus[status] ?? 0,
  })).filter((d) => d.count > 0);
  return (
    <section className="panel" aria-label="Orders by status">
      <div className="panel-title">Orders by status</div>
      <div className="h-40 p-2">
        {data.length === 0 ? (
          <p className="p-2 text-neutral-500">No orders yet.</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 400, height: 144 }}>
            <BarChart data={data} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 8 }}>
              <XAxis type="number" allowDecimals={false} tick={axis} />
              <YAxis type="category" dataKey="label" tick={axis} width={96} />
              <Tooltip cursor={{ fill: "#f5f5f5" }} contentStyle={{ fontSize: 12 }} />
              <Bar dataKey="count" name="Orders" isAnimationActive={false}>
                {data.map((d) => (
                  <Cell key={d.status} fill={STATUS_FILL[d.status] ?? "#737373"} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
    </section>
  );
}
