"use client";

import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type Cell,
  type ColumnDef,
  type SortingFn,
  type SortingState,
  type Table,
} from "@tanstack/react-table";
import { useState } from "react";
import clsx from "clsx";
import { compare } from "@/lib/decimal";

/** Column meta the console's grids read: numeric columns align right. */
export type GridColumnMeta = { numeric?: boolean };

function isNumeric(meta: unknown): boolean {
  return (meta as GridColumnMeta | undefined)?.numeric === true;
}

/** Decimals arrive as strings: compare them exactly, with "no value" last. */
export function byDecimal<Row>(): SortingFn<Row> {
  return (a, b, columnId) => {
    const x = a.getValue<string | null>(columnId);
    const y = b.getValue<string | null>(columnId);
    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
    return compare(x, y);
  };
}

/**
 * A react-table grid's header: sortable columns are buttons showing ▲/▼, with aria-sort for assistive tech and tests.
 */
export function SortableHead<Row>({ table }: { table: Table<Row> }) {
  return (
    <thead>
      {table.getHeaderGroups().map((group) => (
        <tr key={group.id}>
          {group.headers.map((header) => {
            const sorted = header.column.getIsSorted();
            return (
              <th
                key={header.id}
                className={clsx(isNumeric(header.column.columnDef.meta) && "r")}
                aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
              >
                {header.column.getCanSort() ? (
                  <button
                    type="button"
                    onClick={header.column.getToggleSortingHandler()}
                    className="inline-flex items-center gap-1 uppercase hover:text-neutral-900"
                  >
                    {flexRender(header.column.columnDef.header, header.getContext())}
                    <span className="w-2 text-neutral-400">
                      {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : ""}
                    </span>
                  </button>
                ) : (
                  flexRender(header.column.columnDef.header, header.getContext())
                )}
              </th>
            );
          })}
        </tr>
      ))}
    </thead>
  );
}

/** One row's cells, numeric ones right-aligned. */
export function GridCells<Row>({ cells }: { cells: Cell<Row, unknown>[] }) {
  return cells.map((cell) => (
    <td key={cell.id} className={clsx(isNumeric(cell.column.columnDef.meta) && "r")}>
      {flexRender(cell.column.columnDef.cell, cell.getContext())}
    </td>
  ));
}

/** A console grid's table, sorted by `initialSort` until the operator clicks a header; rows keyed by their id. */
export function useSortableTable<Row extends { id: string }>(
  data: Row[],
  // react-table types a column list with `any` values: columns of different value types share one array.
  columns: ColumnDef<Row, any>[],
  initialSort: SortingState,
): Table<Row> {
  const [sorting, setSorting] = useState<SortingState>(initialSort);
  return useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (row) => row.id,
  });
}
