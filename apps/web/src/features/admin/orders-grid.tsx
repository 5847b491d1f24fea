"use client";

import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { MonoId } from "@/components/mono-id";
import { StatusBadge } from "@/components/status-badge";
import { dateTimeText, price, quantity } from "@/lib/format";
import { byDecimal as decimalOrder, GridCells, SortableHead, useSortableTable } from "./sortable-table";
import type { AdminOrder } from "./router-types";

const byDecimal = decimalOrder<AdminOrder>();

const column = createColumnHelper<AdminOrder>();

const columns = [
  column.accessor("createdAt", {
    header: "Placed",
    cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span>,
  }),
  column.accessor("id", {
    header: "Order",
    enableSorting: false,
    cell: (c) => (
      <Link
        href={`/admin/orders/${c.getValue()}`}
        className="hover:underline"
        onClick={(e) => e.stopPropagation()}
        data-testid="order-link"
      >
        <MonoId id={c.getValue()} />
      </Link>
    ),
  }),
  column.accessor("accountNo", {
    header: "Account",
    cell: (c) => <span className="font-mono text-[12px]">{c.getValue()}</span>,
  }),
  column.accessor("symbol", { header: "Symbol", cell: (c) => <span className="font-semibold">{c.getValue()}</span> }),
  column.accessor("side", {
    header: "Side",
    cell: (c) => <span className={c.getValue() === "BUY" ? "text-emerald-700" : "text-rose-700"}>{c.getValue()}</span>,
  }),
  column.accessor("type", { header: "Type" }),
  column.accessor("quantity", {
    header: "Qty",
    sortingFn: byDecimal,
    meta: { numeric: true },
    cell: (c) => quantity(c.getValue()),
  }),
  column.accessor("filledQuantity", {
    header: "Filled",
    sortingFn: byDecimal,
    meta: { numeric: true },
    cell: (c) => quantity(c.getValue()),
  }),
  column.accessor("limitPrice", {
    header: "Limit",
    sortingFn: byDecimal,
    meta: { numeric: true },
    cell: (c) => price(c.getValue()),
  }),
  column.accessor("averagePrice", {
    header: "Avg px",
    sortingFn: byDecimal,
    meta: { numeric: true },
    cell: (c) => price(c.getValue()),
  }),
  column.accessor("status", { header: "Status", cell: (c) => <StatusBadge status={c.getValue()} /> }),
  column.accessor("brokerId", {
    header: "Broker",
    cell: (c) => <span className="font-mono text-[12px]">{c.getValue()}</span>,
  }),
  column.accessor("statusReason", {
    header: "Reason",
    enableSorting: false,
    cell: (c) => (
      <span className="block max-w-64 truncate text-neutral-500" title={c.getValue() ?? undefined}>
        {c.getValue() ?? ""}
      </span>
    ),
  }),
  column.accessor("updatedAt", {
    header: "Updated",
    cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span>,
  }),
];

export function OrdersGrid({ orders }: { orders: AdminOrder[] }) {
  const router = useRouter();
  const table = useSortableTable(orders, columns, [{ id: "createdAt", desc: true }]);

  return (
    <table className="data-table" data-testid="admin-orders">
      <SortableHead table={table} />
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr
            key={row.id}
            data-order-id={row.id}
            data-status={row.original.status}
            className="cursor-pointer"
            onClick={() => router.push(`/admin/orders/${row.id}`)}
          >
            <GridCells cells={row.getVisibleCells()} />
          </tr>
        ))}
        {orders.length === 0 && (
          <tr>
            <td colSpan={columns.length} className="text-neutral-500">
              No orders match these filters. Clear a filter to see more.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
