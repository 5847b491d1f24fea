"use client";

import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SagaCounts } from "../router-types";
import { SAGA_STATUS_FILL, SAGA_STATUS_LABEL, SAGA_STATUSES } from "./saga-labels";

const axis = { fontSize: 11, fill: "#737373" };

/** How many sagas are in each status, as numbers (for reading and tests) and as bars (for a glance). */
export function SagaCountsChart({ counts }: { counts: SagaCounts | undefined }) {
  const byStatus = (counts ?? {}) as Record<string, number>;
  const data = SAGA_STATUSES.map((status) => ({
    status,
    label: SAGA_STATUS_LABEL[status],
    count: byStatus[status] ?? 0,
  }));
  return (
    <section className="panel" aria-label="Sagas by status">
      <div className="panel-title">Sagas by status</div>
      <div className="grid grid-cols-1 gap-2 p-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <dl className="grid grid-cols-4 gap-x-4 gap-y-1 lg:grid-cols-2">
          {data.map((entry) => (
            <div key={entry.status} className="flex justify-between gap-2 text-[12px]">
              <dt className="text-neutral-500">{entry.label}</dt>
              <dd className="num font-semibold" data-testid={`saga-count-${entry.status}`}>
                {counts ? entry.count : "—"}
              </dd>
            </div>
          ))}
        </dl>
        <div className="h-36">
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 400, height: 144 }}>
            <BarChart data={data} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 8 }}>
              <XAxis type="number" allowDecimals={false} tick={axis} />
              <YAxis type="category" dataKey="label" tick={axis} width={104} />
              <Tooltip cursor={{ fill: "#f5f5f5" }} contentStyle={{ fontSize: 12 }} />
              <Bar dataKey="count" name="Sagas" isAnimationActive={false}>
                {data.map((entry) => (
                  <Cell key={entry.status} fill={SAGA_STATUS_FILL[entry.status]} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      </div>
    </section>
  );
}
