"use client";

import { useQuery } from "@tanstack/react-query";
import { DataTable } from "@/components/data-table";
import { Panel } from "@/components/panel";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { dateTimeText, money, price, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrderLine, OrderLink } from "./order-cells";
import type { LateFill } from "./router-types";

/** What the fill left the account owing, or nothing. */
function owedText(fill: LateFill): string | null {
  const owed = [
    fill.debitCash && `$${money(fill.debitCash)}`,
    fill.debitShares && `${quantity(fill.debitShares)} ${fill.symbol}`,
  ].filter(Boolean);
  return owed.length ? `account owes ${owed.join(" and ")}` : null;
}

/**
 * The console's alert for trades the broker made on orders we had closed: booked, but the customer saw the order
 * closed and may owe money now. Shown only while there is one from the last 7 days.
 */
export function LateFillsPanel() {
  const trpc = useTRPC();
  const lateFills = useQuery({ ...trpc.admin.lateFills.queryOptions(), refetchInterval: ORDER_FALLBACK_REFRESH_MS });
  const fills = lateFills.data ?? [];
  if (fills.length === 0) return null;
  return (
    <Panel
      title={`Late fills: ${fills.length} in the last 7 days`}
      label="Late fills"
      note="booked for orders already closed here; check each order and tell the customer"
      tone="warning"
      testId="late-fills"
    >
      <div className="max-h-48 overflow-auto">
        <DataTable
          rows={fills}
          rowKey={(fill) => fill.eventId}
          rowProps={() => ({ "data-testid": "late-fill-row" })}
          empty={null}
          columns={[
            { header: "Booked", className: "text-neutral-500", cell: (fill) => dateTimeText(fill.at) },
            { header: "Order", cell: (fill) => <OrderLink orderId={fill.orderId} /> },
            { header: "Account", className: "font-mono text-[12px]", cell: (fill) => fill.accountNo },
            {
              header: "Order terms",
              cell: (fill) => <OrderLine side={fill.side} qty={fill.orderQuantity} symbol={fill.symbol} />,
            },
            { header: "Was", cell: (fill) => fill.closedAs ?? "—" },
            { header: "Fill", numeric: true, cell: (fill) => `${quantity(fill.quantity)} @ ${price(fill.price)}` },
            {
              header: "Debit",
              className: "text-rose-700",
              cell: (fill) => owedText(fill) ?? <span className="text-neutral-400">none</span>,
            },
          ]}
        />
      </div>
    </Panel>
  );
}
