import Link from "next/link";
import { MonoId } from "@/components/mono-id";
import { dateTimeText, signedAmount, trendClass } from "@/lib/format";

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
  const columns = showOrder ? 5 : 4;
  return (
    <table className="data-table" data-testid="ledger">
      <thead>
        <tr>
          <th>Time</th>
          <th>Kind</th>
          <th>Asset</th>
          <th className="r">Amount</th>
          {showOrder && <th>Order</th>}
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id}>
            <td className="text-neutral-500">{dateTimeText(entry.createdAt)}</td>
            <td>{entry.kind}</td>
            <td className="font-semibold">{entry.asset}</td>
            <td className={`r ${trendClass(entry.amount)}`}>{signedAmount(entry.amount, entry.asset)}</td>
            {showOrder && (
              <td>
                {entry.orderId ? (
                  <Link href={`/admin/orders/${entry.orderId}`} className="hover:underline">
                    <MonoId id={entry.orderId} />
                  </Link>
                ) : (
                  <span className="text-neutral-400">—</span>
                )}
              </td>
            )}
          </tr>
        ))}
        {entries.length === 0 && (
          <tr>
            <td colSpan={columns} className="text-neutral-500">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
