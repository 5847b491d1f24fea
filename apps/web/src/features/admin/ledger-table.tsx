import { DataTable, Missing } from "@/components/data-table";
import { dateTimeText, signedAmount, trendClass } from "@/lib/format";
import { OrderLink } from "./order-cells";

type LedgerRow = {
  id: string;
  asset: string;
  amount: string;
  kind: string;
  createdAt: string;
  orderId?: string | null;
};

/** Ledger entries, oldest or newest first as the server sent them; `showOrder` adds a link to each entry's order. */
export function LedgerTable({
  entries,
  showOrder,
  empty,
}: {
  entries: LedgerRow[];
  showOrder?: boolean;
  empty: string;
}) {
  return (
    <DataTable
      testId="ledger"
      rows={entries}
      rowKey={(entry) => entry.id}
      empty={empty}
      columns={[
        { header: "Time", className: "text-neutral-500", cell: (entry) => dateTimeText(entry.createdAt) },
        { header: "Kind", cell: (entry) => entry.kind },
        { header: "Asset", className: "font-semibold", cell: (entry) => entry.asset },
        {
          header: "Amount",
          numeric: true,
          cell: (entry) => <span className={trendClass(entry.amount)}>{signedAmount(entry.amount, entry.asset)}</span>,
        },
        showOrder === true && {
          header: "Order",
          cell: (entry) => (entry.orderId ? <OrderLink orderId={entry.orderId} /> : <Missing />),
        },
      ]}
    />
  );
}
