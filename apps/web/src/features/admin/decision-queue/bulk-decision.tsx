"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Banner } from "@/components/banner";
import { DataTable } from "@/components/data-table";
import { MonoId } from "@/components/mono-id";
import { Pill } from "@/components/pill";
import { bannerMessage } from "@/lib/errors";
import { ReasonForm } from "../reason-form";
import type { BulkConfig, BulkOutcome, BulkPreviewRow } from "./types";

const OUTCOME_TONE: Record<BulkOutcome["outcome"], string> = {
  applied: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  skipped: "bg-amber-50 text-amber-800 ring-amber-200",
  failed: "bg-rose-50 text-rose-700 ring-rose-200",
};

const count = (n: number, noun: { one: string; many: string }) => `${n} ${n === 1 ? noun.one : noun.many}`;

/**
 * One decision for the rows selected when it was picked (a batch operation): the server's preview of what it will do
 * to each row, one reason, then the server applies it row by row (each only if the row is still as previewed) and
 * every row's outcome is listed. The selection is frozen while this is open, so what is applied is what was previewed.
 */
export function BulkDecision<D extends string>({
  testId,
  bulk,
  decision,
  ids,
  noun,
  placeholder,
  names,
  onApplied,
  onClose,
}: {
  testId: string;
  bulk: BulkConfig<D>;
  decision: D;
  ids: string[];
  noun: { one: string; many: string };
  placeholder: string;
  names: Readonly<Record<string, string>>;
  onApplied: () => void;
  onClose: () => void;
}) {
  const option = bulk.decisions.find((candidate) => candidate.value === decision)!;
  // A preview is a snapshot: it is not refetched behind the operator's back; apply checks each row against it.
  const preview = useQuery({ ...bulk.preview(ids, decision), staleTime: Infinity, refetchOnWindowFocus: false });
  const apply = useMutation({ ...bulk.decideMany, onSuccess: onApplied });
  const previewRows = preview.data?.rows;
  const applicable = previewRows?.filter((row) => row.applicable).length ?? 0;

  if (apply.data) {
    return (
      <Outcomes
        testId={testId}
        outcomes={apply.data.outcomes}
        batchId={apply.data.batchId}
        names={names}
        onClose={onClose}
      />
    );
  }

  return (
    <div className="border-b border-neutral-200" data-testid={testId} data-decision={decision}>
      <ReasonForm
        id={`${testId}-reason`}
        testId={`${testId}-form`}
        action={decision}
        summary={
          <div className="space-y-2">
            <p>
              <span className="font-semibold">{option.label}</span> {count(ids.length, noun)}: {option.effect}. Each row
              is checked again when applied; one that changed since this preview is skipped and says why.
            </p>
            <div className="max-h-56 overflow-auto rounded border border-neutral-200 bg-white">
              <DataTable
                testId="bulk-preview"
                rows={previewRows}
                rowKey={(row) => row.id}
                rowProps={(row) => ({ "data-row-id": row.id, "data-applicable": row.applicable })}
                loading="Asking the server what this would do to each row…"
                empty="None of the selected rows is in the queue any more. Close and select again."
                columns={[
                  { header: "Row", cell: (row) => <RowName id={row.id} names={names} /> },
                  { header: "Now", cell: (row) => <Applicable row={row} /> },
                  { header: "What it will do", className: "whitespace-normal", cell: (row) => row.willDo },
                ]}
              />
            </div>
            {preview.isError && (
              <Banner tone="error">
                {bannerMessage(preview.error)} Close this and pick the decision again to retry the preview.
              </Banner>
            )}
            {previewRows && applicable === 0 && previewRows.length > 0 && (
              <Banner tone="info">
                Nothing to apply: every selected row would be skipped. Close this and select rows the decision fits.
              </Banner>
            )}
          </div>
        }
        submitLabel={`${option.label}: ${count(applicable, noun)}`}
        destructive={option.destructive}
        placeholder={placeholder}
        pending={apply.isPending}
        blocked={preview.isPending || applicable === 0}
        error={apply.error}
        onSubmit={(reason) =>
          previewRows &&
          apply.mutate({ decision, reason, rows: previewRows.map(({ id, expected }) => ({ id, expected })) })
        }
        onClose={onClose}
      />
    </div>
  );
}

function RowName({ id, names }: { id: string; names: Readonly<Record<string, string>> }) {
  const description = names[id];
  return (
    <span className="inline-flex items-baseline gap-2">
      <MonoId id={id} length={12} />
      {description && <span className="text-neutral-600">{description}</span>}
    </span>
  );
}

function Applicable({ row }: { row: BulkPreviewRow }) {
  return row.applicable ? (
    <Pill tone={OUTCOME_TONE.applied}>will apply</Pill>
  ) : (
    <Pill tone={OUTCOME_TONE.skipped}>will skip</Pill>
  );
}

/** Every row's outcome of an applied batch; rows that were applied leave the queue as it refreshes. */
function Outcomes({
  testId,
  outcomes,
  batchId,
  names,
  onClose,
}: {
  testId: string;
  outcomes: BulkOutcome[];
  batchId: string;
  names: Readonly<Record<string, string>>;
  onClose: () => void;
}) {
  const tally = (outcome: BulkOutcome["outcome"]) => outcomes.filter((row) => row.outcome === outcome).length;
  const failed = tally("failed");
  return (
    <div className="space-y-2 border-b border-neutral-200 bg-neutral-50 p-2" data-testid={testId}>
      <Banner tone={failed > 0 ? "error" : "success"} onDismiss={onClose}>
        <span data-testid="bulk-summary" data-batch-id={batchId}>
          Batch <MonoId id={batchId} />: {tally("applied")} applied, {tally("skipped")} skipped, {failed} failed.
          {tally("skipped") + failed > 0 &&
            " Each row below says why; decide on those rows again once their state allows."}
        </span>
      </Banner>
      <div className="max-h-56 overflow-auto rounded border border-neutral-200 bg-white">
        <DataTable
          testId="bulk-outcomes"
          rows={outcomes}
          rowKey={(row) => row.id}
          rowProps={(row) => ({ "data-row-id": row.id, "data-outcome": row.outcome })}
          empty="The server reported no row."
          columns={[
            { header: "Row", cell: (row) => <RowName id={row.id} names={names} /> },
            {
              header: "Outcome",
              cell: (row) => (
                <Pill tone={OUTCOME_TONE[row.outcome]} data-outcome={row.outcome}>
                  {row.outcome}
                </Pill>
              ),
            },
            {
              header: "What happened",
              className: "whitespace-normal",
              cell: (row) => <span data-testid="bulk-outcome-message">{row.message}</span>,
            },
          ]}
        />
      </div>
    </div>
  );
}
