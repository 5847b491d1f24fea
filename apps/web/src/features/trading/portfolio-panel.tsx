"use client";

import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import { Banner } from "@/components/banner";
import { ACCOUNT_SUMMARY_REFRESH_MS } from "@/features/live/refresh";
import { money, price, quantity, signed, trendClass } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { Figure } from "./figure";
import { WonBalances } from "./won-balances";

export function PortfolioPanel() {
  const trpc = useTRPC();
  const summary = useQuery({ ...trpc.account.summary.queryOptions(), refetchInterval: ACCOUNT_SUMMARY_REFRESH_MS });
  const data = summary.data;
  const currency = data?.cash.currency ?? "USD";

  return (
    <section className="panel" aria-label="Cash and positions">
      <div className="panel-title">
        <span>Cash &amp; positions</span>
        {summary.isError && (
          <span className="normal-case tracking-normal text-rose-700">Balances may be out of date, retrying…</span>
        )}
      </div>
      {data && data.debits.length > 0 && (
        <div className="border-b border-neutral-200 p-2" data-testid="account-debits">
          <Banner tone="error">
            <p className="font-semibold">
              Your account owes{" "}
              {data.debits
                .map((d) => (d.asset === "USD" ? `$${money(d.owed)}` : `${quantity(d.owed)} ${d.asset}`))
                .join(" and ")}
            </p>
            <p className="text-[12px]">
              The broker executed a trade after the order was closed here (or above its price protection), and the
              account could not cover all of it.
            </p>
            <ul className="mt-1 list-disc pl-4 text-[12px]">
              {data.debits.map((d) => (
                <li key={d.asset} data-testid={`debit-${d.asset}`}>
                  {d.action}
                </li>
              ))}
            </ul>
          </Banner>
        </div>
      )}
      <div className="grid grid-cols-5 divide-x divide-neutral-100 border-b border-neutral-200">
        <Figure
          label={`Available (${currency})`}
          value={money(data?.cash.available)}
          testId="cash-available"
          emphasis
        />
        <Figure label="Held for orders" value={money(data?.cash.held)} testId="cash-held" />
        <Figure
          label={
            data && data.cash.debit !== "0.00" ? `Cash total (after $${money(data.cash.debit)} owed)` : "Cash total"
          }
          value={money(data?.cash.total)}
          testId="cash-total"
        />
        <Figure label="Equity" value={money(data?.equity)} testId="equity" />
        <div className="px-3 py-2">
          <div
            className="text-[11px] uppercase tracking-wide text-neutral-500"
            title="Fee points pay commission: 1 point = 1 cent"
          >
            Fee points
          </div>
          <div className="num text-sm font-medium whitespace-nowrap">
            <span data-testid="points-available">{quantity(data?.points?.available)}</span>
            <span className="text-[12px] font-normal text-neutral-500">
              {" "}
              · <span data-testid="points-held">{quantity(data?.points?.held)}</span> held
            </span>
          </div>
        </div>
      </div>
      <WonBalances summary={data} />
      <div className="max-h-56 overflow-auto">
        <table className="data-table">
          <thead>
            <tr>
              <th>Symbol</th>
              <th className="r">Quantity</th>
              <th className="r">Held</th>
              <th className="r">Avg cost</th>
              <th className="r">Last</th>
              <th className="r">Market value</th>
              <th className="r">Unrealized P&amp;L</th>
            </tr>
          </thead>
          <tbody>
            {data?.positions.map((p) => (
              <tr key={p.symbol} data-position={p.symbol}>
                <td>
                  <span className="font-semibold">{p.symbol}</span>{" "}
                  <span className="text-[11px] text-neutral-500">{p.name}</span>
                </td>
                <td className="r font-medium" data-testid={`position-qty-${p.symbol}`}>
                  {quantity(p.quantity)}
                  {p.debitQuantity !== "0" && (
                    <span
                      className="ml-1 text-[11px] font-normal text-rose-700"
                      data-testid={`position-owed-${p.symbol}`}
                    >
                      (owes {quantity(p.debitQuantity)})
                    </span>
                  )}
                </td>
                <td className="r text-neutral-500">{quantity(p.heldQuantity)}</td>
                <td className="r">{price(p.averageCost)}</td>
                <td className="r">{price(p.lastPrice)}</td>
                <td className="r">{money(p.marketValue)}</td>
                <td className={clsx("r", trendClass(p.unrealizedPnl))}>{signed(p.unrealizedPnl)}</td>
              </tr>
            ))}
            {data && data.positions.length === 0 && (
              <tr>
                <td colSpan={7} className="text-neutral-500">
                  No positions yet. Pick a quote on the left and place a buy order.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
