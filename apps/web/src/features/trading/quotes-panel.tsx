"use client";

import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import { percent, price, trendClass, timeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import type { Quote } from "./types";

export function QuotesPanel({ selected, onPick }: { selected: string | null; onPick: (quote: Quote) => void }) {
  const trpc = useTRPC();
  const quotes = useQuery({ ...trpc.market.quotes.queryOptions(), refetchInterval: 1000 });
  const newest = quotes.data?.reduce<string | null>(
    (max, q) => (max === null || q.timestamp > max ? q.timestamp : max),
    null,
  );

  return (
    <section className="panel flex min-h-0 flex-col" aria-label="Quotes">
      <div className="panel-title">
        <span>Quotes</span>
        <span className="num font-normal normal-case tracking-normal text-neutral-400">
          {quotes.isError ? (
            <span className="text-rose-700">Quotes are delayed, retrying…</span>
          ) : newest ? (
            `as of ${timeText(newest)}`
          ) : null}
        </span>
      </div>
      <div className="min-h-0 flex-1 overflow-auto">
        <table className="data-table">
          <thead>
            <tr>
              <th>Symbol</th>
              <th className="r">Last</th>
              <th className="r">Chg %</th>
              <th className="r">Bid</th>
              <th className="r">Ask</th>
            </tr>
          </thead>
          <tbody>
            {quotes.data?.map((q) => (
              <tr
                key={q.symbol}
                data-symbol={q.symbol}
                onClick={() => onPick(q)}
                className={clsx("cursor-pointer", selected === q.symbol && "bg-neutral-100")}
                title={`${q.name} — click to trade`}
              >
                <td>
                  <div className="font-semibold">{q.symbol}</div>
                  <div className="max-w-28 truncate text-[11px] text-neutral-500">{q.name}</div>
                </td>
                <td className="r font-medium">{price(q.last)}</td>
                <td className={clsx("r", trendClass(q.change))}>{percent(q.changePercent)}</td>
                <td className="r text-neutral-600">{price(q.bid)}</td>
                <td className="r text-neutral-600">{price(q.ask)}</td>
              </tr>
            ))}
            {quotes.isPending && (
              <tr>
                <td colSpan={5} className="text-neutral-500">
                  Loading quotes…
                </td>
              </tr>
            )}
            {quotes.data?.length === 0 && (
              <tr>
                <td colSpan={5} className="text-neutral-500">
                  No quotes yet. The broker feed may be starting; this list refreshes every second.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
