"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type CellContext,
  type ColumnDef,
  type ColumnFiltersState,
  type RowSelectionState,
  type SortingState,
  type Table,
} from "@tanstack/react-table";
import clsx from "clsx";
import { Fragment, useMemo, useState, type ReactNode } from "react";
import { NoteRow } from "@/components/data-table";
import { Banner } from "@/components/banner";
import { useTRPC } from "@/trpc/client";
import { DecisionButtons, ReasonForm } from "../reason-form";
import { SelectFilter } from "../select-filter";
import { GridCells, SortableHead } from "../sortable-table";
import { BulkDecision } from "./bulk-decision";
import type { QueueConfig, QueueMeta } from "./types";

type ListQuery<Row> = {
  data: Row[] | undefined;
  isPending: boolean;
  isError: boolean;
  error: { message: string } | null;
};

/**
 * An operator's queue of things to decide on: sortable, filterable rows, a decision per row with a required reason,
 * the outcome of the last decision, and (where the server offers it) one decision for many selected rows, previewed
 * row by row before it is applied. Each queue is a QueueConfig; the page around it holds the heading and the query.
 */
export function DecisionQueue<Row, D extends string, Input, Result>({
  config,
  query,
  toolbar,
  refreshSeconds,
}: {
  config: QueueConfig<Row, D, Input, Result>;
  query: ListQuery<Row>;
  /** Filters the server applies (the page holds their state), shown before the column filters. */
  toolbar?: ReactNode;
  refreshSeconds: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fetched = useMemo(() => query.data ?? [], [query.data]);
  const [open, setOpen] = useState<{ rowId: string; decision: D; row: Row } | null>(null);
  // The row whose form is open stays on screen while the list refreshes. A refresh that drops it (decided elsewhere,
  // or superseded by a newer reconciliation run) must not take the operator's half-typed reason with it: submitting
  // gets the server's answer for that row, shown in the form.
  const openRowGone = open !== null && !fetched.some((row) => config.rowId(row) === open.rowId);
  const rows = useMemo(() => (open && openRowGone ? [...fetched, open.row] : fetched), [fetched, open, openRowGone]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [done, setDone] = useState<string | null>(null);
  const [bulk, setBulk] = useState<{ decision: D; ids: string[]; names: Record<string, string> } | null>(null);
  const [sorting, setSorting] = useState<SortingState>(config.initialSort ?? []);
  const [columnFilters, setColumnFilters] = useState<ColumnFiltersState>([]);
  const [globalFilter, setGlobalFilter] = useState("");
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});

  const decide = useMutation({
    ...config.decide.options,
    onSettled: () => void queryClient.invalidateQueries(trpc.admin.pathFilter()),
  });

  function openForm(rowId: string, decision: D) {
    const row = rows.find((candidate) => config.rowId(candidate) === rowId);
    if (!row) return;
    decide.reset();
    setDone(null);
    setBulk(null);
    setOpen({ rowId, decision, row });
  }

  function closeForm() {
    decide.reset();
    setOpen(null);
  }

  const meta: QueueMeta = {
    isExpanded: (rowId) => expanded.has(rowId),
    toggleDetail: (rowId) =>
      setExpanded((current) => {
        const next = new Set(current);
        if (!next.delete(rowId)) next.add(rowId);
        return next;
      }),
  };

  const columns = useMemo(() => queueColumns(config, Boolean(config.bulk)), [config]);
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, columnFilters, globalFilter, rowSelection },
    onSortingChange: setSorting,
    onColumnFiltersChange: setColumnFilters,
    onGlobalFilterChange: setGlobalFilter,
    onRowSelectionChange: setRowSelection,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: config.rowId,
    initialState: { columnVisibility: config.columnVisibility },
    enableRowSelection: (row) => !bulk && config.decisions(row.original).length > 0,
    meta: { ...meta, openForm, open, bulkOpen: bulk !== null } satisfies RowMeta<D>,
  });

  const shown = table.getRowModel().rows;
  // What the operator sees selected: a row hidden by a filter, or gone from the queue, is not part of a bulk decision.
  const selectedIds = shown.filter((row) => row.getIsSelected()).map((row) => row.id);
  const colSpan = table.getVisibleLeafColumns().length;

  return (
    <section className="panel flex min-h-0 flex-1 flex-col" aria-label={config.label}>
      <div className="flex flex-wrap items-end gap-2 border-b border-neutral-200 px-3 py-2">
        {toolbar}
        {config.columnFilters?.map((filter) => (
          <SelectFilter
            key={filter.column}
            id={`${config.testIds.table}-${filter.column}`}
            label={filter.label}
            any={filter.any}
            width="w-44"
            value={(table.getColumn(filter.column)?.getFilterValue() as string | undefined) ?? ""}
            options={filter.options ?? valuesOf(table, filter.column)}
            onChange={(value) => table.getColumn(filter.column)?.setFilterValue(value || undefined)}
          />
        ))}
        <div>
          <label className="label" htmlFor={`${config.testIds.table}-search`}>
            Search
          </label>
          <input
            id={`${config.testIds.table}-search`}
            className="input w-44"
            placeholder="id, account, symbol…"
            value={globalFilter}
            onChange={(e) => setGlobalFilter(e.target.value)}
          />
        </div>
        {config.bulk && (
          <BulkBar
            count={selectedIds.length}
            noun={config.noun}
            decisions={config.bulk.decisions}
            active={bulk?.decision ?? null}
            onDecide={(decision) => {
              closeForm();
              setDone(null);
              // Named now: rows that are applied leave the queue, and their outcome should still say what they were.
              const names = Object.fromEntries(
                shown
                  .filter((row) => row.getIsSelected())
                  .map((row) => [row.id, config.describe?.(row.original) ?? ""]),
              );
              setBulk({ decision, ids: selectedIds, names });
            }}
            onClear={() => setRowSelection({})}
          />
        )}
        <div className="num ml-auto text-right text-[12px] text-neutral-500">
          {query.isError ? (
            <span className="text-rose-700">
              {query.error?.message} The list retries every {refreshSeconds} s.
            </span>
          ) : query.data ? (
            `${shown.length} of ${rows.length} shown`
          ) : (
            "Loading…"
          )}
        </div>
      </div>

      {done && (
        <div className="border-b border-neutral-200 p-2">
          <Banner tone="success" onDismiss={() => setDone(null)}>
            <span data-testid={config.testIds.success}>{done}</span>
          </Banner>
        </div>
      )}

      {config.bulk && bulk && (
        <BulkDecision
          key={`${bulk.decision}:${bulk.ids.join(",")}`}
          testId={`${config.testIds.table}-bulk`}
          bulk={config.bulk}
          decision={bulk.decision}
          ids={bulk.ids}
          noun={config.noun}
          placeholder={config.placeholder}
          names={bulk.names}
          onApplied={() => {
            setRowSelection({});
            void queryClient.invalidateQueries(trpc.admin.pathFilter());
          }}
          onClose={() => setBulk(null)}
        />
      )}

      <div className="min-h-0 flex-1 overflow-auto">
        <table className="data-table" data-testid={config.testIds.table}>
          <SortableHead table={table} />
          <tbody>
            {shown.map((row) => {
              const formOpen = open?.rowId === row.id;
              const form = formOpen && open ? config.form(row.original, open.decision) : null;
              const detailOpen = config.detail !== undefined && expanded.has(row.id);
              return (
                <Fragment key={row.id}>
                  <tr
                    {...config.rowData(row.original)}
                    className={clsx("align-top", (formOpen || detailOpen || row.getIsSelected()) && "bg-neutral-50")}
                  >
                    <GridCells cells={row.getVisibleCells()} />
                  </tr>
                  {detailOpen && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={colSpan} className="bg-neutral-50 px-6 py-2">
                        {config.detail?.(row.original)}
                      </td>
                    </tr>
                  )}
                  {form && open && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={colSpan} className="whitespace-normal">
                        <ReasonForm
                          // A fresh form (empty reason) for each decision opened.
                          key={open.decision}
                          id={row.id}
                          testId={config.testIds.form}
                          action={open.decision}
                          {...form}
                          summary={
                            <>
                              {form.summary}
                              {openRowGone && (
                                <span className="mt-1 block text-amber-700" data-testid="row-left-list">
                                  This row has left the list since you opened it: decided elsewhere, or found again by a
                                  newer run. Submit to get the current answer, or close it.
                                </span>
                              )}
                            </>
                          }
                          placeholder={config.placeholder}
                          pending={decide.isPending}
                          error={decide.error}
                          onSubmit={(reason) => {
                            const { decision } = open;
                            decide.mutate(config.decide.input(row.original, decision, reason), {
                              onSuccess: (result) => {
                                setOpen(null);
                                setDone(config.decide.done(result, decision, row.original));
                              },
                            });
                          }}
                          onClose={closeForm}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
            {query.isPending && <NoteRow colSpan={colSpan}>{config.loading}</NoteRow>}
            {query.data !== undefined && shown.length === 0 && (
              <NoteRow colSpan={colSpan} testId={config.testIds.empty}>
                {rows.length === 0 ? config.empty : "No row matches these filters. Clear a filter to see more."}
              </NoteRow>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The values a column holds across the queue's rows, for a filter's options (a broker id not configured shows too). */
function valuesOf<Row>(table: Table<Row>, columnId: string): string[] {
  const values = table.getCoreRowModel().rows.map((row) => row.getValue<unknown>(columnId));
  return [...new Set(values.filter((value): value is string => typeof value === "string" && value !== ""))].sort();
}

/** What the selection and decision columns read from the queue. */
type RowMeta<D extends string> = QueueMeta & {
  openForm: (rowId: string, decision: D) => void;
  open: { rowId: string; decision: D } | null;
  bulkOpen: boolean;
};

function metaOf<Row, D extends string>(table: Table<Row>) {
  return table.options.meta as RowMeta<D>;
}

/** The queue's own columns around the config's: a checkbox first (where bulk decisions exist), the decisions last. */
function queueColumns<Row, D extends string, Input, Result>(
  config: QueueConfig<Row, D, Input, Result>,
  selectable: boolean,
): ColumnDef<Row, unknown>[] {
  const select: ColumnDef<Row, unknown> = {
    id: "select",
    enableSorting: false,
    enableGlobalFilter: false,
    header: ({ table }) => (
      <input
        type="checkbox"
        aria-label="Select all shown"
        title="Select every row the filters show"
        className="align-middle"
        checked={table.getIsAllPageRowsSelected()}
        ref={(box) => {
          if (box) box.indeterminate = table.getIsSomePageRowsSelected();
        }}
        disabled={metaOf(table).bulkOpen}
        onChange={table.getToggleAllPageRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) =>
      row.getCanSelect() || row.getIsSelected() ? (
        <input
          type="checkbox"
          aria-label={`Select ${row.id}`}
          className="align-middle"
          checked={row.getIsSelected()}
          disabled={!row.getCanSelect()}
          onChange={row.getToggleSelectedHandler()}
        />
      ) : null,
  };
  const decide: ColumnDef<Row, unknown> = {
    id: "decide",
    enableSorting: false,
    enableGlobalFilter: false,
    header: config.decisionColumn?.header ?? "",
    cell: ({ row, table }) => {
      const options = config.decisions(row.original);
      if (options.length === 0) return config.decisionColumn?.settled?.(row.original) ?? null;
      const { open, openForm } = metaOf<Row, D>(table);
      return (
        <DecisionButtons
          options={options}
          open={open?.rowId === row.id ? open.decision : null}
          onOpen={(decision) => openForm(row.id, decision)}
        />
      );
    },
  };
  return [...(selectable ? [select] : []), ...(config.columns as ColumnDef<Row, unknown>[]), decide];
}

/** "2 selected: Retry now · Mark rejected · Cancel · Clear": one decision for every selected row. */
function BulkBar<D extends string>({
  count,
  noun,
  decisions,
  active,
  onDecide,
  onClear,
}: {
  count: number;
  noun: { one: string; many: string };
  decisions: readonly { value: D; label: string }[];
  active: D | null;
  onDecide: (decision: D) => void;
  onClear: () => void;
}) {
  if (count === 0 && active === null) {
    return <span className="pb-2 text-[12px] text-neutral-500">Tick rows to decide on several at once.</span>;
  }
  return (
    <div className="flex items-center gap-2 pb-1 text-[12px]" data-testid="bulk-bar">
      <span className="font-medium" data-testid="selected-count">
        {count} {count === 1 ? noun.one : noun.many} selected
      </span>
      <DecisionButtons options={decisions} open={active} onOpen={onDecide} />
      <button type="button" className="text-neutral-500 hover:text-neutral-900" onClick={onClear}>
        Clear
      </button>
    </div>
  );
}

/** A button in a row's cell that folds the queue's row detail out under it. */
export function DetailToggle<Row>({
  cell,
  testId,
  title,
  children,
}: {
  cell: CellContext<Row, unknown>;
  testId: string;
  title: { open: string; closed: string };
  children: ReactNode;
}) {
  const meta = cell.table.options.meta as QueueMeta;
  const open = meta.isExpanded(cell.row.id);
  return (
    <button
      type="button"
      onClick={() => meta.toggleDetail(cell.row.id)}
      aria-expanded={open}
      className="inline-flex items-center gap-1 rounded px-1 hover:bg-neutral-100"
      title={open ? title.open : title.closed}
      data-testid={testId}
    >
      {children}
      <span className="w-2 text-[10px] text-neutral-400">{open ? "▼" : "▶"}</span>
    </button>
  );
}
