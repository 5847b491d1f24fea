// What the order queues (attention, pending) share: a row is an order, named and linked the same way, filtered by the
// broker it went to, and each decision is a button with a sentence on what it does.
import { createColumnHelper } from "@tanstack/react-table";
import { MonoId } from "@/components/mono-id";
import { quantity } from "@/lib/format";
import type { DecisionOption, QueueColumns } from "./decision-queue/types";
import { OrderLine, OrderLink } from "./order-cells";

type OrderRow = {
  orderId: string;
  accountNo: string;
  side: string;
  quantity: string;
  symbol: string;
  brokerId: string;
};
export type DecisionWords = { button: string; effect: string };

export function orderText(order: OrderRow) {
  return `${order.side} ${quantity(order.quantity)} ${order.symbol}`;
}

/** The queue's settings every order queue shares; the queue adds its own columns, texts and procedures. */
export function orderQueue<Row extends OrderRow, D extends string>(
  options: readonly DecisionOption<D>[],
  words: Record<D, DecisionWords>,
  destructive: (decision: D) => boolean,
) {
  return {
    noun: { one: "order", many: "orders" },
    rowId: (row: Row) => row.orderId,
    describe: (row: Row) => `${orderText(row)} · ${row.accountNo}`,
    columnVisibility: { brokerId: false },
    columnFilters: [{ column: "brokerId", label: "Routed to", any: "Any broker" }],
    decisions: () => options,
    form: (row: Row, decision: D) => ({
      summary: (
        <>
          <span className="font-semibold">{words[decision].button}</span> {orderText(row)} (
          <MonoId id={row.orderId} />
          ): {words[decision].effect}.
        </>
      ),
      submitLabel: words[decision].button,
      destructive: destructive(decision),
    }),
    bulkDecisions: options.map(({ value, label }) => ({
      value,
      label,
      effect: words[value].effect,
      destructive: destructive(value),
    })),
  };
}

/** The order's link, its terms (broker in small print) and, hidden, the broker alone for the filter. */
export function orderColumns<Row extends OrderRow>(
  termsHeader: string,
): Record<"order" | "terms" | "broker", QueueColumns<Row>[number]> {
  const column = createColumnHelper<Row>();
  return {
    order: column.accessor((row) => row.orderId, {
      id: "orderId",
      header: "Order",
      enableSorting: false,
      cell: (c) => <OrderLink orderId={c.getValue()} />,
    }),
    terms: column.accessor((row) => row.symbol, {
      id: "symbol",
      header: termsHeader,
      cell: ({ row: { original: o } }) => (
        <OrderLine side={o.side} qty={o.quantity} symbol={o.symbol} brokerId={o.brokerId} />
      ),
    }),
    broker: column.accessor((row) => row.brokerId, { id: "brokerId", header: "Broker", filterFn: "equalsString" }),
  };
}
