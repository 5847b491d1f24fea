"use client";

import clsx from "clsx";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { MonoId } from "@/components/mono-id";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { dateTimeText, money, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { ChangeHistoryTable } from "./change-history";
import { Field } from "./field";
import { LedgerTable } from "./ledger-table";

function Version({ version }: { version: number }) {
  return <span className="text-neutral-500">v{version}</span>;
}

export function AccountDetail({ accountId }: { accountId: string }) {
  const trpc = useTRPC();
  const detail = useQuery({
    ...trpc.admin.accounts.detail.queryOptions({ accountId }),
    refetchInterval: ORDER_FALLBACK_REFRESH_MS,
  });
  const data = detail.data;
  if (!data) {
    return (
      <main className="p-4 text-neutral-600">
        {detail.isError
          ? `${detail.error.message} Go back to the console and open the account from an order.`
          : "Loading account…"}
      </main>
    );
  }
  const { account, cash, holdings, points, ledgerEntries, history } = data;

  return (
    <main className="space-y-2 p-2">
      <div className="flex items-center gap-3 px-1">
        <Link href="/admin" className="text-[12px] text-neutral-500 hover:text-neutral-900">
          ← All orders
        </Link>
        <h1 className="text-sm font-semibold">
          Account <span className="font-mono">{account.accountNo}</span> · {account.ownerName}
        </h1>
        {detail.isError && <span className="text-[12px] text-rose-700">Refresh failed, retrying every 2 s.</span>}
      </div>

      <section className="panel" aria-label="Account">
        <div className="panel-title">
          <span>Account</span>
          <Link
            className="font-normal normal-case tracking-normal text-neutral-500 hover:text-neutral-900"
            href={`/admin?accountNo=${encodeURIComponent(account.accountNo)}`}
          >
            All orders of this account →
          </Link>
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 p-3 sm:grid-cols-5">
          <Field label="Account no">
            <span className="font-mono" data-testid="account-detail-no">
              {account.accountNo}
            </span>
          </Field>
          <Field label="Owner">{account.ownerName}</Field>
          <Field label="Email">{account.ownerEmail}</Field>
          <Field label="Opened">{dateTimeText(account.createdAt)}</Field>
          <Field label="Account id">
            <MonoId id={account.id} length={12} />
          </Field>
        </dl>
      </section>

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,3fr)]">
        <section className="panel" aria-label="Cash">
          <div className="panel-title">Cash</div>
          <table className="data-table" data-testid="cash-balances">
            <thead>
              <tr>
                <th>Currency</th>
                <th className="r">Available</th>
                <th className="r">Held</th>
                <th className="r" title="Owed: a fill the account could not cover; repaid first by any credit">
                  Debit
                </th>
                <th className="r">Version</th>
              </tr>
            </thead>
            <tbody>
              {cash.map((balance) => (
                <tr key={balance.currency} data-currency={balance.currency}>
                  <td className="font-semibold">{balance.currency}</td>
                  <td className="r font-medium">{money(balance.available)}</td>
                  <td className="r">{money(balance.held)}</td>
                  <td
                    className={clsx("r", balance.debit !== "0.00" && "font-semibold text-rose-700")}
                    data-testid="cash-debit"
                  >
                    {money(balance.debit)}
                  </td>
                  <td className="r">
                    <Version version={balance.version} />
                  </td>
                </tr>
              ))}
              {cash.length === 0 && (
                <tr>
                  <td colSpan={5} className="text-neutral-500">
                    No cash balance on this account.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </section>

        <section className="panel" aria-label="Fee points">
          <div className="panel-title">Fee points</div>
          {points ? (
            <dl className="grid grid-cols-3 gap-x-4 p-3" data-testid="points-balance">
              <Field label="Available">{quantity(points.available)}</Field>
              <Field label="Held">{quantity(points.held)}</Field>
              <Field label="Version">
                <Version version={points.version} />
              </Field>
            </dl>
          ) : (
            <p className="p-3 text-neutral-500">No points balance on this account.</p>
          )}
        </section>

        <section className="panel" aria-label="Holdings">
          <div className="panel-title">Holdings</div>
          <table className="data-table" data-testid="holdings">
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="r">Free</th>
                <th className="r">Held</th>
                <th className="r" title="Shares owed: a late sale of shares the account no longer had free">
                  Owed
                </th>
                <th className="r">Cost basis</th>
                <th className="r">Version</th>
              </tr>
            </thead>
            <tbody>
              {holdings.map((holding) => (
                <tr key={holding.symbol} data-symbol={holding.symbol}>
                  <td className="font-semibold">{holding.symbol}</td>
                  <td className="r font-medium">{quantity(holding.quantity)}</td>
                  <td className="r">{quantity(holding.heldQuantity)}</td>
                  <td className={clsx("r", holding.debitQuantity !== "0" && "font-semibold text-rose-700")}>
                    {quantity(holding.debitQuantity)}
                  </td>
                  <td className="r">{money(holding.costBasis)}</td>
                  <td className="r">
                    <Version version={holding.version} />
                  </td>
                </tr>
              ))}
              {holdings.length === 0 && (
                <tr>
                  <td colSpan={6} className="text-neutral-500">
                    No holdings.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </section>
      </div>

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <section className="panel flex max-h-[36rem] flex-col" aria-label="Ledger entries">
          <div className="panel-title">
            <span>Ledger entries</span>
            <span className="font-normal normal-case tracking-normal text-neutral-400">
              {ledgerEntries.length} entries, newest first
            </span>
          </div>
          <div className="min-h-0 flex-1 overflow-auto">
            <LedgerTable entries={ledgerEntries} showOrder empty="No ledger entries on this account yet." />
          </div>
        </section>

        <section className="panel flex max-h-[36rem] flex-col" aria-label="Change history">
          <div className="panel-title">
            <span>Change history</span>
            <span className="font-normal normal-case tracking-normal text-neutral-400">
              cash, holdings and points rows, newest first
            </span>
          </div>
          <div className="min-h-0 flex-1 overflow-auto">
            <ChangeHistoryTable entries={history} showEntity />
          </div>
        </section>
      </div>
    </main>
  );
}
