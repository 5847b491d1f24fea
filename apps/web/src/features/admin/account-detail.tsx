"use client";

import clsx from "clsx";
import { useQuery } from "@tanstack/react-query";
import { DataTable } from "@/components/data-table";
import { MonoId } from "@/components/mono-id";
import { Panel } from "@/components/panel";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { dateTimeText, money, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { ChangeHistoryTable } from "./change-history";
import { AccountSessions } from "./account-sessions";
import { AccountOrdersLink, DetailHeading, DetailPending } from "./detail-page";
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
      <DetailPending
        error={detail.error}
        loading="Loading account…"
        hint="Go back to the console and open the account from an order."
      />
    );
  }
  const { account, cash, holdings, points, ledgerEntries, history } = data;

  return (
    <main className="space-y-2 p-2">
      <DetailHeading refreshFailed={detail.isError}>
        <h1 className="text-sm font-semibold">
          Account <span className="font-mono">{account.accountNo}</span> · {account.ownerName}
        </h1>
      </DetailHeading>

      <Panel title="Account" note={<AccountOrdersLink accountNo={account.accountNo} />}>
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
      </Panel>

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,3fr)]">
        <Panel title="Cash">
          <DataTable
            testId="cash-balances"
            rows={cash}
            rowKey={(balance) => balance.currency}
            rowProps={(balance) => ({ "data-currency": balance.currency })}
            empty="No cash balance on this account."
            columns={[
              { header: "Currency", className: "font-semibold", cell: (balance) => balance.currency },
              { header: "Available", numeric: true, className: "font-medium", cell: (b) => money(b.available) },
              { header: "Held", numeric: true, cell: (balance) => money(balance.held) },
              {
                header: "Debit",
                numeric: true,
                title: "Owed: a fill the account could not cover; repaid first by any credit",
                cell: (balance) => (
                  <span
                    className={clsx(balance.debit !== "0.00" && "font-semibold text-rose-700")}
                    data-testid="cash-debit"
                  >
                    {money(balance.debit)}
                  </span>
                ),
              },
              { header: "Version", numeric: true, cell: (balance) => <Version version={balance.version} /> },
            ]}
          />
        </Panel>

        <Panel title="Fee points">
          {points ? (
            <dl className="grid grid-cols-2 gap-x-4 p-3" data-testid="points-balance">
              <Field label="Available">{quantity(points.available)}</Field>
              <Field label="Held">{quantity(points.held)}</Field>
            </dl>
          ) : (
            <p className="p-3 text-neutral-500">The fee points service did not answer. Reload in a moment.</p>
          )}
        </Panel>

        <Panel title="Holdings">
          <DataTable
            testId="holdings"
            rows={holdings}
            rowKey={(holding) => holding.symbol}
            rowProps={(holding) => ({ "data-symbol": holding.symbol })}
            empty="No holdings."
            columns={[
              { header: "Symbol", className: "font-semibold", cell: (holding) => holding.symbol },
              { header: "Free", numeric: true, className: "font-medium", cell: (h) => quantity(h.quantity) },
              { header: "Held", numeric: true, cell: (holding) => quantity(holding.heldQuantity) },
              {
                header: "Owed",
                numeric: true,
                title: "Shares owed: a late sale of shares the account no longer had free",
                cell: (holding) => (
                  <span className={clsx(holding.debitQuantity !== "0" && "font-semibold text-rose-700")}>
                    {quantity(holding.debitQuantity)}
                  </span>
                ),
              },
              { header: "Cost basis", numeric: true, cell: (holding) => money(holding.costBasis) },
              { header: "Version", numeric: true, cell: (holding) => <Version version={holding.version} /> },
            ]}
          />
        </Panel>
      </div>

      <AccountSessions accountId={account.id} />

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Panel
          title="Ledger entries"
          note={`${ledgerEntries.length} entries, newest first`}
          className="flex max-h-[36rem] flex-col"
        >
          <div className="min-h-0 flex-1 overflow-auto">
            <LedgerTable entries={ledgerEntries} showOrder empty="No ledger entries on this account yet." />
          </div>
        </Panel>

        <Panel
          title="Change history"
          note="cash, holdings and points rows, newest first"
          className="flex max-h-[36rem] flex-col"
        >
          <div className="min-h-0 flex-1 overflow-auto">
            <ChangeHistoryTable entries={history} showEntity />
          </div>
        </Panel>
      </div>
    </main>
  );
}
