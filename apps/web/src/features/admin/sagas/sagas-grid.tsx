"use client";

import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { MonoId } from "@/components/mono-id";
import { dateTimeText } from "@/lib/format";
import { OrderLink } from "../order-cells";
import type { AdminSaga } from "../router-types";
import { GridCells, SortableHead, useSortableTable } from "../sortable-table";
import { SagaStatusBadge } from "./saga-badges";
import { sagaTypeLabel } from "./saga-labels";

/** The step that took the most tries: where a saga struggled, if anywhere. */
export function worstStep(saga: AdminSaga) {
  return saga.steps.reduce<AdminSaga["steps"][number] | null>(
    (worst, step) => (worst === null || step.attempts > worst.attempts ? step : worst),
    null,
  );
}

const column = createColumnHelper<AdminSaga>();

const columns = [
  column.accessor("createdAt", {
    header: "Created",
    cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span>,
  }),
  column.accessor("id", {
    header: "Saga",
    enableSorting: false,
    cell: (c) => (
      <Link href={`/admin/sagas/${c.getValue()}`} className="hover:underline" data-testid="saga-link">
        <MonoId id={c.getValue()} />
      </Link>
    ),
  }),
  column.accessor("type", { header: "Type", cell: (c) => sagaTypeLabel(c.getValue()) }),
  column.accessor("accountId", {
    header: "Account",
    cell: (c) => (
      <Link href={`/admin/accounts/${c.getValue()}`} className="hover:underline" onClick={(e) => e.stopPropagation()}>
        <MonoId id={c.getValue()} />
      </Link>
    ),
  }),
  column.accessor("status", { header: "Status", cell: (c) => <SagaStatusBadge status={c.getValue()} /> }),
  column.accessor("phase", { header: "Phase" }),
  column.accessor((saga) => worstStep(saga)?.attempts ?? 0, {
    id: "attempts",
    header: "Most tries",
    meta: { numeric: true },
    cell: (c) => {
      const step = worstStep(c.row.original);
      return step && step.attempts > 1 ? (
        <span title={step.lastError ?? undefined}>
          {step.attempts} <span className="text-[11px] text-neutral-500">{step.name}</span>
        </span>
      ) : (
        (step?.attempts ?? 0)
      );
    },
  }),
  column.accessor("orderId", {
    header: "Order",
    enableSorting: false,
    cell: (c) => {
      const orderId = c.getValue();
      return orderId ? (
        <span onClick={(e) => e.stopPropagation()}>
          <OrderLink orderId={orderId} />
        </span>
      ) : (
        <span className="text-neutral-400">—</span>
      );
    },
  }),
  column.accessor("outcome", {
    header: "Outcome",
    enableSorting: false,
    cell: (c) => (
      <span className="block max-w-96 truncate text-neutral-600" title={c.getValue() ?? undefined}>
        {c.getValue() ?? ""}
      </span>
    ),
  }),
];

/** Every saga the filters let through, sortable; a row opens the saga's steps. */
export function SagasGrid({ sagas, filtered }: { sagas: AdminSaga[]; filtered: boolean }) {
  const router = useRouter();
  const table = useSortableTable(sagas, columns, [{ id: "createdAt", desc: true }]);

  return (
    <table className="data-table" data-testid="sagas-table">
      <SortableHead table={table} />
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr
            key={row.id}
            data-saga-id={row.id}
            data-status={row.original.status}
            data-type={row.original.type}
            className="cursor-pointer"
            onClick={() => router.push(`/admin/sagas/${row.id}`)}
          >
            <GridCells cells={row.getVisibleCells()} />
          </tr>
        ))}
        {sagas.length === 0 && (
          <tr>
            <td colSpan={columns.length} className="text-neutral-500">
              {filtered
                ? "No saga matches these filters. Clear a filter to see more."
                : "No sagas yet: they start when a customer exchanges won and dollars or pays for a buy in won."}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
