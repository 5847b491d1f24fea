"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { useQuery } from "@tanstack/react-query";
import type { AppRouter } from "@meridian/core/trpc";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { dateTimeText, money, price, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrderLine, OrderLink } from "./order-cells";

type LateFill = inferRouterOutputs<AppRouter>["admin"]["lateFills"][number];

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
    <section className="panel border-amber-300" aria-label="Late fills" data-testid="late-fills">
      <div className="panel-title bg-amber-50 text-amber-800">
        <span>Late fills: {fills.length} in the last 7 days</span>
        <span className="normal-case tracking-normal text-amber-700">
          booked for orders already closed here; check each order and tell the customer
        </span>
      </div>
      <div className="max-h-48 overflow-auto">
        <table className="data-table">
          <thead>
            <tr>
              <th>Booked</th>
              <th>Order</th>
              <th>Account</th>
              <th>Order terms</th>
              <th>Was</th>
              <th className="r">Fill</th>
              <th>Debit</th>
            </tr>
          </thead>
          <tbody>
            {fills.map((fill) => (
              <tr key={fill.eventId} data-testid="late-fill-row">
                <td className="text-neutral-500">{dateTimeText(fill.at)}</td>
                <td>
                  <OrderLink orderId={fill.orderId} />
                </td>
                <td className="font-mono text-[12px]">{fill.accountNo}</td>
                <td>
                  <OrderLine side={fill.side} qty={fill.orderQuantity} symbol={fill.symbol} />
                </td>
                <td>{fill.closedAs ?? "—"}</td>
                <td className="r">
                  {quantity(fill.quantity)} @ {price(fill.price)}
                </td>
                <td className="text-rose-700">{owedText(fill) ?? <span className="text-neutral-400">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
