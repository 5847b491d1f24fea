"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { useState } from "react";
import { Banner } from "@/components/banner";
import { MonoId } from "@/components/mono-id";
import { StatusBadge } from "@/components/status-badge";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText, price, quantity, timeText } from "@/lib/format";
import { CANCELLABLE } from "@/lib/order-status";
import { useTRPC } from "@/trpc/client";
import { ORDERS_LIMIT } from "./types";

type Scope = "open" | "all";

export function OrdersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<Scope>("open");
  const orders = useQuery({
    ...trpc.orders.list.queryOptions({ scope, limit: ORDERS_LIMIT }),
    refetchInterval: ORDER_FALLBACK_REFRESH_MS,
  });

  const cancel = useMutation(
    trpc.orders.cancel.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.orders.pathFilter());
        void queryClient.invalidateQueries(trpc.account.pathFilter());
      },
    }),
  );
  const cancelError = bannerMessage(cancel.error);

  return (
    <section className="panel flex min-h-0 flex-col" aria-label="Orders">
      <div className="panel-title">
        <div className="flex items-center gap-3">
          <span>Orders</span>
          <div className="flex gap-1 normal-case tracking-normal" role="tablist">
            {(["open", "all"] as const).map((s) => (
              <button
                key={s}
                type="button"
                role="tab"
                aria-selected={scope === s}
                onClick={() => setScope(s)}
                className={clsx(
                  "rounded px-2 py-0.5 text-[12px]",
                  scope === s ? "bg-neutral-900 text-white" : "text-neutral-600 hover:bg-neutral-100",
                )}
              >
                {s === "open" ? "Open" : "All"}
              </button>
            ))}
          </div>
        </div>
        {orders.isError && (
          <span className="normal-case tracking-normal text-rose-700">Orders may be out of date, retrying…</span>
        )}
      </div>
      {cancelError && (
        <div className="p-2">
          <Banner tone="error" onDismiss={() => cancel.reset()}>
            {cancelError}
          </Banner>
        </div>
      )}
      <div className="min-h-0 flex-1 overflow-auto">
        <table className="data-table" data-testid="orders-table" data-scope={scope}>
          <thead>
            <tr>
              <th>Placed</th>
              <th>Order</th>
              <th>Symbol</th>
              <th>Side</th>
              <th>Type</th>
              <th className="r">Qty</th>
              <th className="r">Filled</th>
              <th className="r">Limit</th>
              <th className="r">Avg price</th>
              <th>Status</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {orders.data?.map((o) => (
              <tr key={o.id} data-order-id={o.id} data-status={o.status}>
                <td className="text-neutral-500" title={dateTimeText(o.createdAt)}>
                  {timeText(o.createdAt)}
                </td>
                <td>
                  <MonoId id={o.id} />
                </td>
                <td className="font-semibold">{o.symbol}</td>
                <td className={o.side === "BUY" ? "text-emerald-700" : "text-rose-700"}>
                  {o.side === "BUY" ? "Buy" : "Sell"}
                </td>
                <td>{o.type === "MARKET" ? "Market" : "Limit"}</td>
                <td className="r">{quantity(o.quantity)}</td>
                <td className="r">{quantity(o.filledQuantity)}</td>
                <td className="r">{price(o.limitPrice)}</td>
                <td className="r">{price(o.averagePrice)}</td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
                <td className="max-w-48 truncate text-neutral-500" title={o.statusReason ?? undefined}>
                  {o.statusReason ?? ""}
                </td>
                <td className="r">
                  {CANCELLABLE.has(o.status) && (
                    <button
                      type="button"
                      className="rounded border border-neutral-300 px-2 py-0.5 text-[12px] hover:bg-neutral-100 disabled:opacity-50"
                      disabled={cancel.isPending && cancel.variables?.orderId === o.id}
                      onClick={() => cancel.mutate({ orderId: o.id })}
                    >
                      {cancel.isPending && cancel.variables?.orderId === o.id ? "Cancelling…" : "Cancel"}
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {orders.isPending && (
              <tr>
                <td colSpan={12} className="text-neutral-500">
                  Loading orders…
                </td>
              </tr>
            )}
            {orders.data?.length === 0 && (
              <tr>
                <td colSpan={12} className="text-neutral-500">
                  {scope === "open"
                    ? "No open orders. Orders you place appear here until they fill or close."
                    : "No orders yet."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
