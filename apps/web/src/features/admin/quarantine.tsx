"use client";

import { useQuery } from "@tanstack/react-query";
import {
  createColumnHelper,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnFiltersState,
  type SortingState,
} from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { MonoId } from "@/components/mono-id";
import { Pill } from "@/components/pill";
import { dateTimeText, price, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrderLink } from "./order-cells";
import { PageHeading, PollStatus } from "./page-heading";
import { REASON_CODE, REASON_CODES } from "./quarantine-labels";
import { byDecimal, GridCells, SortableHead } from "./sortable-table";
import { QUARANTINE_INPUT, QUARANTINE_LIMIT, type QuarantineEntry } from "./types";

const REFRESH_MS = 2000;

const SOURCE_LABEL: Record<QuarantineEntry["source"], string> = { RECEIVER: "Receiver", LEDGER: "Ledger" };

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
      <pre className="mt-1 max-h-64 max-w-xl overflow-auto rounded bg-neutral-50 p-2 font-mono text-[11.5px] break-all whitespace-pre-wrap">{body || "(empty)"}</pre>
    </details>
  );
}

const column = createColumnHelper<QuarantineEntry>();

const columns = [
  column.accessor("at", { header: "Time", cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span> }),
  column.accessor("source", { header: "Source", cell: (c) => SOURCE_LABEL[c.getValue()] }),
  column.accessor("brokerId", { header: "Broker", filterFn: "equalsString", cell: (c) => <span className="font-mono text-[12px]">{c.getValue()}</span> }),
  column.accessor("reasonCode", {
    header: "Code",
    filterFn: "equalsString",
    cell: (c) => (
      <Pill tone={REASON_CODE[c.getValue()].tone} title={REASON_CODE[c.getValue()].meaning} data-reason-code={c.getValue()}>
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
  column.accessor("execId", { header: "Exec id", cell: (c) => (c.getValue() ? <MonoId id={c.getValue()!} length={16} /> : <Missing />) }),
  column.display({ id: "order", header: "Order", cell: (c) => <OrderCell entry={c.row.original} /> }),
  column.accessor("accountNo", { header: "Account", cell: (c) => (c.getValue() ? <span className="font-mono text-[12px]">{c.getValue()}</span> : <Missing />) }),
  column.accessor("symbol", { header: "Symbol", cell: (c) => (c.getValue() ? <span className="font-semibold">{c.getValue()}</span> : <Missing />) }),
  column.accessor("quantity", { header: "Qty", sortingFn: byDecimal<QuarantineEntry>(), meta: { numeric: true }, cell: (c) => (c.getValue() ? quantity(c.getValue()) : <Missing />) }),
  column.accessor("price", { header: "Price", sortingFn: byDecimal<QuarantineEntry>(), meta: { numeric: true }, cell: (c) => (c.getValue() ? price(c.getValue()) : <Missing />) }),
  column.accessor("body", { header: "Body", enableSorting: false, cell: (c) => <BodyExcerpt body={c.getValue()} /> }),
];

/** A select over one column's filter value; empty means "any". */
function ColumnSelect({ id, label, any, value, options, onChange }: { id: string; label: string; any: string; value: string; options: string[]; onChange: (value: string) => void }) {
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

export function Quarantine() {
  const trpc = useTRPC();
  // Same query as the console nav's badge, so the count and the list never disagree.
  const quarantine = useQuery({ ...trpc.admin.quarantine.list.queryOptions(QUARANTINE_INPUT), refetchInterval: REFRESH_MS });
  const entries = useMemo(() => quarantine.data ?? [], [quarantine.data]);
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
  });
  // Brokers offered are those in the list, so a refused callback to an unknown broker id can be picked too.
  const brokers = useMemo(() => [...new Set(entries.map((entry) => entry.brokerId))].sort(), [entries]);
  const filterOf = (id: string) => (table.getColumn(id)?.getFilterValue() as string | undefined) ?? "";
  const setFilter = (id: string) => (value: string) => table.getColumn(id)?.setFilterValue(value || undefined);
  const rows = table.getRowModel().rows;

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">
      <PageHeading
        title="Quarantine"
        status={
          <PollStatus query={quarantine}>
            {entries.length} refused {entries.length === 1 ? "callback or execution" : "callbacks and executions"} (the newest {QUARANTINE_LIMIT} at most)
          </PollStatus>
        }
      >
        <p className="mt-0.5 text-[12.5px] text-neutral-600" data-testid="quarantine-explanation">
          Broker callbacks the receiver refused (signature, malformed body, unknown broker or order, mismatch with the order) and stored executions the
          ledger refused (overfill, or after the order closed). None of them changed an order, a balance or the ledger.
        </p>
      </PageHeading>

      <section className="panel flex min-h-0 flex-1 flex-col" aria-label="Quarantined callbacks and executions">
        <div className="flex flex-wrap items-end gap-2 border-b border-neutral-200 px-3 py-2">
          <ColumnSelect id="quarantine-broker" label="Broker" any="Any broker" value={filterOf("brokerId")} options={brokers} onChange={setFilter("brokerId")} />
          <ColumnSelect id="quarantine-reason" label="Reason code" any="Any reason" value={filterOf("reasonCode")} options={REASON_CODES} onChange={setFilter("reasonCode")} />
          <div className="num ml-auto text-right text-[12px] text-neutral-500">
            {rows.length} of {entries.length} shown
          </div>
        </div>
        <div className="min-h-0 flex-1 overflow-auto">
          <table className="data-table" data-testid="quarantine-table">
            <SortableHead table={table} />
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-entry-key={row.id} data-reason-code={row.original.reasonCode} data-broker-id={row.original.brokerId} className="align-top">
                  <GridCells cells={row.getVisibleCells()} />
                </tr>
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
                      ? "Nothing refused. A broker callback lands here when the receiver refuses it, and a stored execution when the ledger refuses it. This list refreshes every 2 s."
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
