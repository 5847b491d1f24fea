"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { ORDER_STATUSES, STATUS_LABEL } from "@/lib/order-status";
import { timeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrdersByStatusChart, OrdersPerMinuteChart } from "./charts";
import { LateFillsPanel } from "./late-fills-panel";
import { LoginFailuresPanel } from "./login-failures-panel";
import { OrdersGrid } from "./orders-grid";
import { StatsTiles } from "./stats-tiles";
import { ADMIN_ORDERS_LIMIT, toQueryInput, type ConsoleFilters } from "./console-queries";

export function AdminConsole({ initialFilters }: { initialFilters: ConsoleFilters }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState(initialFilters);
  // Typing in a filter box should not fire a request per keystroke ahead of rendering.
  const deferredFilters = useDeferredValue(filters);
  const stats = useQuery({ ...trpc.admin.stats.queryOptions(), refetchInterval: ORDER_FALLBACK_REFRESH_MS });
  const orders = useQuery({
    ...trpc.admin.orders.list.queryOptions(toQueryInput(deferredFilters)),
    refetchInterval: ORDER_FALLBACK_REFRESH_MS,
    placeholderData: keepPreviousData,
  });

  function update(patch: Partial<ConsoleFilters>) {
    const next = { ...filters, ...patch };
    setFilters(next);
    // Keep filters in the address bar so a reload or a shared link shows the same view.
    const params = new URLSearchParams(Object.entries(next).filter(([, v]) => v.trim() !== ""));
    const query = params.toString();
    window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
  }

  const brokers = Array.from(new Set(orders.data?.map((o) => o.brokerId) ?? [])).sort();
  const filtered = Object.values(filters).some((v) => v.trim() !== "");

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">
      <StatsTiles stats={stats.data} />
      <LateFillsPanel />
      <LoginFailuresPanel />
      <div className="grid grid-cols-1 gap-2 lg:grid-cols-2">
        <OrdersPerMinuteChart stats={stats.data} fetchedAt={stats.dataUpdatedAt} />
        <OrdersByStatusChart stats={stats.data} />
      </div>
      <section className="panel flex min-h-0 flex-1 flex-col" aria-label="All orders">
        <div className="flex flex-wrap items-end gap-2 border-b border-neutral-200 px-3 py-2">
          <div>
            <label className="label" htmlFor="filter-status">
              Status
            </label>
            <select
              id="filter-status"
              className="input w-40"
              value={filters.status}
              onChange={(e) => update({ status: e.target.value })}
            >
              <option value="">Any status</option>
              {ORDER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label className="label" htmlFor="filter-symbol">
              Symbol
            </label>
            <input
              id="filter-symbol"
              className="input w-24 uppercase"
              placeholder="AAPL"
              value={filters.symbol}
              onChange={(e) => update({ symbol: e.target.value })}
            />
          </div>
          <div>
            <label className="label" htmlFor="filter-account">
              Account no
            </label>
            <input
              id="filter-account"
              className="input w-36 font-mono"
              placeholder="M-100-0001"
              value={filters.accountNo}
              onChange={(e) => update({ accountNo: e.target.value })}
            />
          </div>
          <div>
            <label className="label" htmlFor="filter-broker">
              Broker
            </label>
            <input
              id="filter-broker"
              className="input w-32"
              list="known-brokers"
              placeholder="any"
              value={filters.brokerId}
              onChange={(e) => update({ brokerId: e.target.value })}
            />
            <datalist id="known-brokers">
              {brokers.map((b) => (
                <option key={b} value={b} />
              ))}
            </datalist>
          </div>
          {filtered && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => update({ status: "", symbol: "", accountNo: "", brokerId: "" })}
            >
              Clear filters
            </button>
          )}
          <div className="num ml-auto text-right text-[12px] text-neutral-500">
            {orders.isError ? (
              <span className="text-rose-700">{orders.error.message} The list retries every 2 s.</span>
            ) : (
              <>
                {orders.data ? `${orders.data.length} ${orders.data.length === 1 ? "order" : "orders"}` : "Loading…"}
                {orders.data?.length === ADMIN_ORDERS_LIMIT && ` (newest ${ADMIN_ORDERS_LIMIT}; filter to narrow)`}
                {orders.dataUpdatedAt > 0 && (
                  <span className="ml-2">updated {timeText(new Date(orders.dataUpdatedAt).toISOString())}</span>
                )}
              </>
            )}
          </div>
        </div>
        <div className="min-h-0 flex-1 overflow-auto">
          <OrdersGrid orders={orders.data ?? []} />
        </div>
      </section>
    </main>
  );
}
