"use client";

import { useQuery } from "@tanstack/react-query";
import { Banner } from "@/components/banner";
import { Pill } from "@/components/pill";
import { timeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

const ageText = (ms: number | null) => (ms === null ? "—" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * The event pipeline: which transport carries messages now (Kafka, or polling the outbox), and each topic's backlog.
 */
export function PipelinePanel() {
  const trpc = useTRPC();
  const pipeline = useQuery({ ...trpc.admin.pipeline.queryOptions(), refetchInterval: 2000 });
  const view = pipeline.data;
  const worker = view?.worker;
  return (
    <section className="rounded border border-neutral-200 bg-white p-2" data-testid="pipeline-panel">
      <div className="flex items-center gap-2 text-[13px]">
        <h2 className="font-semibold">Event pipeline</h2>
        {worker ? (
          <>
            <Pill
              tone={
                worker.mode === worker.configured
                  ? "bg-emerald-50 text-emerald-800 ring-emerald-200"
                  : "bg-amber-50 text-amber-800 ring-amber-200"
              }
            >
              {worker.mode}
            </Pill>
            <span className="text-neutral-600">
              configured {worker.configured}, since {timeText(worker.since)}
              {worker.lastError ? ` — last Kafka error: ${worker.lastError}` : ""}
            </span>
          </>
        ) : (
          <span className="text-neutral-500">{pipeline.isLoading ? "loading…" : "mode unknown"}</span>
        )}
      </div>
      {view?.workerError ? <Banner tone="info">{view.workerError}</Banner> : null}
      <table className="mt-1 w-full text-[12.5px] tabular-nums">
        <thead className="text-left text-neutral-500">
          <tr>
            <th className="font-normal">topic</th>
            <th className="text-right font-normal">not yet consumed</th>
            <th className="text-right font-normal">not yet published to Kafka</th>
            <th className="text-right font-normal">oldest waiting</th>
          </tr>
        </thead>
        <tbody>
          {(view?.lag ?? []).map((row) => (
            <tr key={row.topic} className="border-t border-neutral-100">
              <td className="font-mono">{row.topic}</td>
              <td className="text-right">{row.unconsumed}</td>
              <td className="text-right">{row.unpublished}</td>
              <td className="text-right">{ageText(row.oldestAgeMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
