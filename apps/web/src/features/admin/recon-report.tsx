"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { useState, type FormEvent } from "react";
import { Banner } from "@/components/banner";
import { DataTable } from "@/components/data-table";
import { MonoId } from "@/components/mono-id";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText, timeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { ConsolePage } from "./page-heading";
import { CLASS_LABEL, MISMATCH_CLASSES } from "./recon-labels";
import { ReconItems } from "./recon-items";
import { type ReconRun } from "./router-types";
import { RECON_RUNS_LIMIT } from "./console-queries";

const REFRESH_MS = 5000;

function RunState({ run }: { run: ReconRun }) {
  if (run.error) {
    return (
      <span className="block max-w-64 truncate text-rose-700" title={run.error} data-testid="run-error">
        failed: {run.error}
      </span>
    );
  }
  if (!run.finishedAt) return <span className="text-amber-700">running…</span>;
  return <span className="text-neutral-500">done {timeText(run.finishedAt)}</span>;
}

/** "ops 1a2b3c4d…" for an operator, "schedule" for the worker's timer. */
function trigger(triggeredBy: string) {
  return triggeredBy.replace(/([0-9a-f]{8})-[0-9a-f-]{27}/i, "$1…");
}

/** "Price 1 · Status 2": the classes the run found, the rest left out. */
function ClassCounts({ counts }: { counts: ReconRun["countsByClass"] }) {
  const found = MISMATCH_CLASSES.filter((name) => counts[name] > 0);
  if (found.length === 0) return <span className="text-neutral-400">none</span>;
  return (
    <span className="inline-flex flex-wrap gap-x-2">
      {found.map((name) => (
        <span key={name} data-class={name} title={name}>
          {CLASS_LABEL[name]} <span className="num font-semibold">{counts[name]}</span>
        </span>
      ))}
    </span>
  );
}

function RunsTable({
  runs,
  selected,
  onSelect,
}: {
  runs: ReconRun[];
  selected: string | null;
  onSelect: (runId: string | null) => void;
}) {
  return (
    <DataTable
      testId="recon-runs"
      emptyTestId="recon-runs-empty"
      rows={runs}
      rowKey={(run) => run.id}
      rowProps={(run) => ({
        "data-run-id": run.id,
        "data-broker-id": run.brokerId,
        "aria-selected": selected === run.id,
        className: clsx("cursor-pointer", selected === run.id && "bg-neutral-100"),
        onClick: () => onSelect(selected === run.id ? null : run.id),
        title: "Show this run's items below",
      })}
      empty="No reconciliation has run yet. The worker runs one per broker every few minutes; “Run now” runs one at once."
      columns={[
        { header: "Started", className: "text-neutral-500", cell: (run) => dateTimeText(run.startedAt) },
        { header: "Run", cell: (run) => <MonoId id={run.id} /> },
        { header: "Broker", className: "font-mono text-[12px]", cell: (run) => run.brokerId },
        { header: "Window from", className: "text-neutral-500", cell: (run) => dateTimeText(run.windowStart) },
        {
          header: "By",
          className: "font-mono text-[12px]",
          cell: (run) => <span title={run.triggeredBy}>{trigger(run.triggeredBy)}</span>,
        },
        { header: "State", cell: (run) => <RunState run={run} /> },
        { header: "Compared", numeric: true, cell: (run) => run.ordersCompared },
        { header: "In flight", numeric: true, cell: (run) => run.ordersInFlight },
        { header: "Mismatches", numeric: true, cell: (run) => <Mismatches run={run} /> },
        { header: "Auto-applied", numeric: true, cell: (run) => run.autoApplied },
        { header: "By class", cell: (run) => <ClassCounts counts={run.countsByClass} /> },
      ]}
    />
  );
}

/** How many mismatches the run found, and how many of them still wait for a decision. */
function Mismatches({ run }: { run: ReconRun }) {
  return (
    <span className={clsx(run.mismatches > 0 && "font-semibold")} data-testid="run-mismatches">
      {run.mismatches}
      {run.countsByStatus.PROPOSED > 0 && (
        <span className="ml-1 font-normal text-amber-700">({run.countsByStatus.PROPOSED} open)</span>
      )}
    </span>
  );
}

export function ReconReport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runs = useQuery({
    ...trpc.admin.recon.runs.queryOptions({ limit: RECON_RUNS_LIMIT }),
    refetchInterval: REFRESH_MS,
  });
  // Only the broker ids: no need to poll the simulator's faults from this page.
  const brokers = useQuery(trpc.admin.brokers.overview.queryOptions());
  const [brokerId, setBrokerId] = useState("");
  const [selectedRun, setSelectedRun] = useState<string | null>(null);
  const [ran, setRan] = useState<ReconRun[] | null>(null);

  const run = useMutation(
    trpc.admin.recon.run.mutationOptions({
      onSuccess: (result) => setRan(result),
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.recon.pathFilter());
      },
    }),
  );

  function runNow(event: FormEvent) {
    event.preventDefault();
    setRan(null);
    run.mutate({ brokerId: brokerId || undefined });
  }

  const runError = bannerMessage(run.error);
  const list = runs.data ?? [];

  return (
    <ConsolePage
      title="Reconciliation"
      query={runs}
      everySeconds={5}
      status={
        <>
          {list.length === RECON_RUNS_LIMIT
            ? `newest ${RECON_RUNS_LIMIT} runs`
            : `${list.length} ${list.length === 1 ? "run" : "runs"}`}
        </>
      }
      explanationTestId="recon-explanation"
      explanation={
        <>
          A run compares one broker&apos;s report with our orders and executions since the start of the trading day
          (00:00 UTC). A missing execution it can book exactly is ingested by the run itself; every other mismatch is
          proposed here and changes nothing until an operator approves it, with a reason.
        </>
      }
    >
      <section className="panel" aria-label="Runs">
        <form
          onSubmit={runNow}
          className="flex flex-wrap items-end gap-2 border-b border-neutral-200 px-3 py-2"
          noValidate
        >
          <div>
            <label className="label" htmlFor="recon-broker">
              Broker
            </label>
            <select
              id="recon-broker"
              className="input w-40"
              value={brokerId}
              onChange={(e) => setBrokerId(e.target.value)}
            >
              <option value="">All brokers</option>
              {brokers.data?.map((broker) => (
                <option key={broker.brokerId} value={broker.brokerId}>
                  {broker.brokerId}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="btn btn-primary" disabled={run.isPending}>
            {run.isPending ? "Running…" : "Run now"}
          </button>
          <span className="pb-2 text-[12px] text-neutral-500">Click a run to see its items below.</span>
        </form>
        {(ran || runError) && (
          <div
            className="space-y-2 border-b border-neutral-200 p-2"
            data-testid="recon-ran"
            data-run-ids={ran?.map((r) => r.id).join(" ") ?? ""}
          >
            {ran && ran.some((r) => !r.error) && (
              <Banner tone="success" onDismiss={() => setRan(null)}>
                {ran
                  .filter((r) => !r.error)
                  .map(
                    (r) =>
                      `${r.brokerId}: ${r.ordersCompared} compared, ${r.mismatches} mismatches, ${r.autoApplied} auto-applied`,
                  )
                  .join("; ")}
                .
              </Banner>
            )}
            {ran
              ?.filter((r) => r.error)
              .map((r) => (
                <Banner key={r.id} tone="error">
                  <span data-testid="recon-run-failed">
                    {r.brokerId}: the run could not read the broker&apos;s report ({r.error}). Nothing was compared; run
                    it again once the broker answers.
                  </span>
                </Banner>
              ))}
            {runError && (
              <Banner tone="error" onDismiss={() => run.reset()}>
                <span data-testid="recon-run-error">{runError}</span>
              </Banner>
            )}
          </div>
        )}
        <div className="max-h-72 overflow-auto">
          <RunsTable runs={list} selected={selectedRun} onSelect={setSelectedRun} />
        </div>
      </section>

      <ReconItems runId={selectedRun} onShowAllRuns={() => setSelectedRun(null)} />
    </ConsolePage>
  );
}
