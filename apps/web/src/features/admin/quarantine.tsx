"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  createColumnHelper,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnFiltersState,
  type SortingState,
} from "@tanstack/react-table";
import clsx from "clsx";
import { Fragment, useMemo, useState } from "react";
import { OutcomeBanners } from "@/components/outcome-banners";
import { MonoId } from "@/components/mono-id";
import { Pill } from "@/components/pill";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText, price, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrderLink } from "./order-cells";
import { PageHeading, PollStatus } from "./page-heading";
import { REASON_CODE, REASON_CODES, SOURCE_LABEL, STATUS_OPTIONS } from "./quarantine-labels";
import { ReviewCell, ReviewForm, type ReviewActions } from "./quarantine-review";
import { byDecimal, GridCells, SortableHead } from "./sortable-table";
import { type QuarantineEntry, type QuarantineStatus } from "./router-types";
import { QUARANTINE_INITIAL_STATUS, QUARANTINE_LIMIT, quarantineInput } from "./console-queries";

const REFRESH_MS = 2000;

const STATUS_PHRASE: Record<QuarantineStatus, string> = {
  open: "waiting for a review",
  reviewed: "reviewed",
  all: "open or reviewed",
};

const EMPTY_TEXT: Record<QuarantineStatus, string> = {
  open: "Nothing waits for a review. A broker callback lands here when the receiver refuses it, and a stored execution when the ledger refuses it. This list refreshes every 2 s.",
  reviewed:
    "No reviewed entry. Review one from the Open list; refused callbacks are pruned with their reviews after their retention period (90 days by default).",
  all: "Nothing refused. A broker callback lands here when the receiver refuses it, and a stored execution when the ledger refuses it. This list refreshes every 2 s.",
};

/** An empty cell: what this refusal does not have (a callback refused before its body was read, a ledger refusal's body). */
function Missing() {
  return <span className="text-neutral-400">—</span>;
}

/** Our order, linked; a callback's claimed id that names no order of ours, as text. */
function OrderCell({ entry }: { entry: QuarantineEntry }) {
  if (!entry.orderId) return <Missing />;
  if (entry.orderExists) return <OrderLink orderId={entry.orderId} />;
  return (
    <span className="text-neutral-400" title={`${entry.orderId}: no such order here`}>
      <MonoId id={entry.orderId} /> <span className="text-[11px]">unknown</span>
    </span>
  );
}

/** The callback's body as received (cut to 4 KB by the receiver), opened on demand. */
function BodyExcerpt({ body }: { body: string | null }) {
  if (body === null) return <Missing />;
  return (
    <details data-testid="quarantine-body">
      <summary className="cursor-pointer text-neutral-500 select-none">{body.length} chars</summary>
      <pre className="mt-1 max-h-64 max-w-xl overflow-auto rounded bg-neutral-50 p-2 font-mono text-[11.5px] break-all whitespace-pre-wrap">
        {body || "(empty)"}
      </pre>
    </details>
  );
}

const column = createColumnHelper<QuarantineEntry>();

const columns = [
  column.accessor("at", {
    header: "Time",
    cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span>,
  }),
  column.accessor("source", { header: "Source", cell: (c) => SOURCE_LABEL[c.getValue()] }),
  column.accessor("brokerId", {
    header: "Broker",
    filterFn: "equalsString",
    cell: (c) => <span className="font-mono text-[12px]">{c.getValue()}</span>,
  }),
  column.accessor("reasonCode", {
    header: "Code",
    filterFn: "equalsString",
    cell: (c) => (
      <Pill
        tone={REASON_CODE[c.getValue()].tone}
        title={REASON_CODE[c.getValue()].meaning}
        data-reason-code={c.getValue()}
      >
        {c.getValue()}
      </Pill>
    ),
  }),
  column.accessor("reason", {
    header: "Reason",
    enableSorting: false,
    cell: (c) => (
      <span className="block max-w-md truncate text-neutral-700" title={c.getValue()} data-testid="quarantine-reason">
        {c.getValue()}
      </span>
    ),
  }),
  column.accessor("execId", {
    header: "Exec id",
    cell: (c) => (c.getValue() ? <MonoId id={c.getValue()!} length={16} /> : <Missing />),
  }),
  column.display({ id: "order", header: "Order", cell: (c) => <OrderCell entry={c.row.original} /> }),
  column.accessor("accountNo", {
    header: "Account",
    cell: (c) => (c.getValue() ? <span className="font-mono text-[12px]">{c.getValue()}</span> : <Missing />),
  }),
  column.accessor("symbol", {
    header: "Symbol",
    cell: (c) => (c.getValue() ? <span className="font-semibold">{c.getValue()}</span> : <Missing />),
  }),
  column.accessor("quantity", {
    header: "Qty",
    sortingFn: byDecimal<QuarantineEntry>(),
    meta: { numeric: true },
    cell: (c) => (c.getValue() ? quantity(c.getValue()) : <Missing />),
  }),
  column.accessor("price", {
    header: "Price",
    sortingFn: byDecimal<QuarantineEntry>(),
    meta: { numeric: true },
    cell: (c) => (c.getValue() ? price(c.getValue()) : <Missing />),
  }),
  column.accessor("body", { header: "Body", enableSorting: false, cell: (c) => <BodyExcerpt body={c.getValue()} /> }),
  column.display({
    id: "review",
    header: "Review",
    cell: (c) => <ReviewCell entry={c.row.original} actions={c.table.options.meta as ReviewActions} />,
  }),
];

/** A select over one column's filter value; empty means "any". */
function ColumnSelect({
  id,
  label,
  any,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  any: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="input w-44" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The review status the list is read with: a server-side filter, unlike the column filters. */
function StatusSelect({ value, onChange }: { value: QuarantineStatus; onChange: (value: QuarantineStatus) => void }) {
  return (
    <div>
      <label className="label" htmlFor="quarantine-status">
        Status
      </label>
      <select
        id="quarantine-status"
        className="input w-32"
        value={value}
        onChange={(e) => onChange(e.target.value as QuarantineStatus)}
      >
        {STATUS_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Quarantine() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<QuarantineStatus>(QUARANTINE_INITIAL_STATUS);
  const quarantine = useQuery({
    ...trpc.admin.quarantine.list.queryOptions(quarantineInput(status)),
    refetchInterval: REFRESH_MS,
  });
  const entries = useMemo(() => quarantine.data ?? [], [quarantine.data]);
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [reviewed, setReviewed] = useState<string | null>(null);

  const review = useMutation(
    trpc.admin.quarantine.review.mutationOptions({
      onSuccess: ({ key, review: done }) => {
        setOpenKey(null);
        setReviewed(
          `${key} is marked reviewed ("${done.reason}"). It is listed under Reviewed, with your name and reason.`,
        );
      },
      // The list and the nav's open count both change.
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.quarantine.pathFilter());
      },
    }),
  );

  function openReview(key: string) {
    review.reset();
    setReviewed(null);
    setOpenKey(key);
  }

  function closeReview() {
    review.reset();
    setOpenKey(null);
  }

  function changeStatus(next: QuarantineStatus) {
    closeReview();
    setStatus(next);
  }

  const [sorting, setSorting] = useState<SortingState>([{ id: "at", desc: true }]);
  const [columnFilters, setColumnFilters] = useState<ColumnFiltersState>([]);
  const table = useReactTable({
    data: entries,
    columns,
    state: { sorting, columnFilters },
    onSortingChange: setSorting,
    onColumnFiltersChange: setColumnFilters,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (entry) => entry.key,
    meta: { openKey, onOpen: openReview } satisfies ReviewActions,
  });
  // Brokers offered are those in the list, so a refused callback to an unknown broker id can be picked too.
  const brokers = useMemo(() => [...new Set(entries.map((entry) => entry.brokerId))].sort(), [entries]);
  const filterOf = (id: string) => (table.getColumn(id)?.getFilterValue() as string | undefined) ?? "";
  const setFilter = (id: string) => (value: string) => table.getColumn(id)?.setFilterValue(value || undefined);
  const rows = table.getRowModel().rows;
  // The list refreshes while a form is open: if its row went away (reviewed elsewhere, pruned), say so instead of dropping the error.
  const openRowGone = openKey !== null && quarantine.data !== undefined && !rows.some((row) => row.id === openKey);
  const orphanError = openRowGone && review.error ? bannerMessage(review.error) : null;

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">
      <PageHeading
        title="Quarantine"
        status={
          <PollStatus query={quarantine}>
            {entries.length} refused {entries.length === 1 ? "callback or execution" : "callbacks and executions"}{" "}
            {STATUS_PHRASE[status]} (the newest {QUARANTINE_LIMIT} at most)
          </PollStatus>
        }
      >
        <p className="mt-0.5 text-[12.5px] text-neutral-600" data-testid="quarantine-explanation">
          Broker callbacks the receiver refused (signature, malformed body, unknown broker or order, mismatch with the
          order) and stored executions the ledger refused (overfill, or after the order closed). None of them changed an
          order, a balance or the ledger. Review each with a reason (kept in the audit log): what it was and what was
          done about it.
        </p>
      </PageHeading>

      <OutcomeBanners
        success={reviewed}
        successTestId="review-success"
        onDismissSuccess={() => setReviewed(null)}
        orphanError={orphanError}
        onDismissError={() => review.reset()}
      />

      <section className="panel flex min-h-0 flex-1 flex-col" aria-label="Quarantined callbacks and executions">
        <div className="flex flex-wrap items-end gap-2 border-b border-neutral-200 px-3 py-2">
          <StatusSelect value={status} onChange={changeStatus} />
          <ColumnSelect
            id="quarantine-broker"
            label="Broker"
            any="Any broker"
            value={filterOf("brokerId")}
            options={brokers}
            onChange={setFilter("brokerId")}
          />
          <ColumnSelect
            id="quarantine-reason"
            label="Reason code"
            any="Any reason"
            value={filterOf("reasonCode")}
            options={REASON_CODES}
            onChange={setFilter("reasonCode")}
          />
          <div className="num ml-auto text-right text-[12px] text-neutral-500">
            {rows.length} of {entries.length} shown
          </div>
        </div>
        <div className="min-h-0 flex-1 overflow-auto">
          <table className="data-table" data-testid="quarantine-table">
            <SortableHead table={table} />
            <tbody>
              {rows.map((row) => (
                <Fragment key={row.id}>
                  <tr
                    data-entry-key={row.id}
                    data-reason-code={row.original.reasonCode}
                    data-broker-id={row.original.brokerId}
                    data-reviewed={row.original.review !== null}
                    className={clsx("align-top", openKey === row.id && "bg-neutral-50")}
                  >
                    <GridCells cells={row.getVisibleCells()} />
                  </tr>
                  {openKey === row.id && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={columns.length} className="whitespace-normal">
                        <ReviewForm
                          entry={row.original}
                          pending={review.isPending}
                          error={review.error}
                          onSubmit={(reason) => review.mutate({ key: row.id, reason })}
                          onClose={closeReview}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
              {quarantine.isPending && (
                <tr>
                  <td colSpan={columns.length} className="text-neutral-500">
                    Loading the quarantine…
                  </td>
                </tr>
              )}
              {quarantine.data !== undefined && rows.length === 0 && (
                <tr>
                  <td colSpan={columns.length} className="text-neutral-500" data-testid="quarantine-empty">
                    {entries.length === 0
                      ? EMPTY_TEXT[status]
                      : "No refusal matches these filters. Clear a filter to see more."}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
