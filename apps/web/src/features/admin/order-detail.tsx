"use client";

import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import Link from "next/link";
import { MonoId } from "@/components/mono-id";
import { StatusBadge } from "@/components/status-badge";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { dateTimeText, money, price, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { ChangeHistoryTable } from "./change-history";
import { Field } from "./field";
import { LedgerTable } from "./ledger-table";
import { TccBox } from "./tcc";

/** Timeline events operators must not miss: a trade booked after the order closed, and the debit a fill left. */
const ALERT_KINDS: ReadonlySet<string> = new Set(["LATE_FILL", "ACCOUNT_DEBIT"]);

function DetailJson({ detail }: { detail: unknown }) {
  if (detail == null || (typeof detail === "object" && Object.keys(detail).length === 0))
    return <span className="text-neutral-400">—</span>;
  return (
    <details>
      <summary className="cursor-pointer text-neutral-500 select-none">detail</summary>
      <pre className="mt-1 max-w-xl overflow-auto rounded bg-neutral-50 p-2 font-mono text-[11px] leading-snug whitespace-pre-wrap">
        {JSON.stringify(detail, null, 2)}
      </pre>
    </details>
  );
}

export function OrderDetail({ orderId }: { orderId: string }) {
  const trpc = useTRPC();
  const detail = useQuery({
    ...trpc.admin.orders.detail.queryOptions({ orderId }),
    refetchInterval: ORDER_FALLBACK_REFRESH_MS,
  });
  const data = detail.data;
  if (!data) {
    return (
      <main className="p-4 text-neutral-600">
        {detail.isError ? `${detail.error.message} Go back to the console and pick the order again.` : "Loading order…"}
      </main>
    );
  }
  const { order, account, events, executions, ledgerEntries, tcc, history } = data;

  return (
    <main className="space-y-2 p-2">
      <div className="flex items-center gap-3 px-1">
        <Link href="/admin" className="text-[12px] text-neutral-500 hover:text-neutral-900">
          ← All orders
        </Link>
        <h1 className="text-sm font-semibold">
          {order.side} {quantity(order.quantity)} {order.symbol}{" "}
          {order.type === "LIMIT" ? `@ ${price(order.limitPrice)}` : "at market"}
        </h1>
        <StatusBadge status={order.status} />
        {detail.isError && <span className="text-[12px] text-rose-700">Refresh failed, retrying every 2 s.</span>}
      </div>

      <section className="panel" aria-label="Order">
        <div className="panel-title">Order</div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 p-3 sm:grid-cols-4 xl:grid-cols-8">
          <div className="col-span-2">
            <Field label="Order id">
              <span className="font-mono text-[12px]" data-testid="order-id">
                {order.id}
              </span>
            </Field>
          </div>
          <Field label="Status">{order.status}</Field>
          <Field label="Broker">{order.brokerId}</Field>
          <Field label="Quantity">{quantity(order.quantity)}</Field>
          <Field label="Filled">{quantity(order.filledQuantity)}</Field>
          <Field label="Avg price">{price(order.averagePrice)}</Field>
          <Field label="Fees paid">{money(order.feesPaid)}</Field>
          <Field label="Limit">{price(order.limitPrice)}</Field>
          <Field label="Held cash">{money(order.heldCash)}</Field>
          <Field label="Held shares">{quantity(order.heldQuantity)}</Field>
          <Field label="Commission in">{order.payFeeWithPoints ? "Points" : "Cash"}</Field>
          <Field label="Held points">{quantity(order.heldPoints)}</Field>
          <Field label="Points used">{quantity(order.pointsUsed)}</Field>
          <Field label="Placed">{dateTimeText(order.createdAt)}</Field>
          <Field label="Updated">{dateTimeText(order.updatedAt)}</Field>
          <div className="col-span-2 sm:col-span-4">
            <Field label="Reason">{order.statusReason ?? "—"}</Field>
          </div>
        </dl>
      </section>

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-2">
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
          <dl className="grid grid-cols-2 gap-x-6 gap-y-2 p-3 sm:grid-cols-4">
            <Field label="Account no">
              <Link
                className="font-mono underline underline-offset-2 hover:text-neutral-600"
                href={`/admin/accounts/${account.id}`}
                data-testid="account-link"
              >
                {account.accountNo}
              </Link>
            </Field>
            <Field label="Owner">
              <Link className="underline-offset-2 hover:underline" href={`/admin/accounts/${account.id}`}>
                {account.ownerName}
              </Link>
            </Field>
            <Field label="Email">{account.ownerEmail}</Field>
            <Field label="Account id">
              <MonoId id={account.id} length={12} />
            </Field>
          </dl>
        </section>
        <TccBox tcc={tcc} />
      </div>

      <section className="panel" aria-label="Timeline">
        <div className="panel-title">
          <span>Timeline</span>
          <span className="font-normal normal-case tracking-normal text-neutral-400">
            {events.length} events, oldest first
          </span>
        </div>
        <table className="data-table" data-testid="timeline">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Status</th>
              <th>Actor</th>
              <th>Cause</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr
                key={e.id}
                data-event-kind={e.kind}
                className={clsx("align-top", ALERT_KINDS.has(e.kind) && "bg-amber-50")}
              >
                <td className="text-neutral-500">{dateTimeText(e.createdAt)}</td>
                <td className={clsx("font-medium", ALERT_KINDS.has(e.kind) && "text-amber-800")}>{e.kind}</td>
                <td>
                  {e.fromStatus || e.toStatus ? (
                    <span className="inline-flex items-center gap-1">
                      {e.fromStatus ? (
                        <StatusBadge status={e.fromStatus} />
                      ) : (
                        <span className="text-neutral-400">new</span>
                      )}
                      <span className="text-neutral-400">→</span>
                      {e.toStatus ? <StatusBadge status={e.toStatus} /> : <span className="text-neutral-400">—</span>}
                    </span>
                  ) : (
                    <span className="text-neutral-400">—</span>
                  )}
                </td>
                <td className="font-mono text-[12px]">{e.actor}</td>
                <td className="max-w-80 whitespace-normal">{e.cause}</td>
                <td className="whitespace-normal">
                  <DetailJson detail={e.detail} />
                </td>
              </tr>
            ))}
            {events.length === 0 && (
              <tr>
                <td colSpan={6} className="text-neutral-500">
                  No events recorded for this order.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-2">
        <section className="panel" aria-label="Executions">
          <div className="panel-title">Executions</div>
          <table className="data-table" data-testid="executions">
            <thead>
              <tr>
                <th>Time</th>
                <th>Exec ID (broker)</th>
                <th>Receipt</th>
                <th className="r">Qty</th>
                <th className="r">Price</th>
              </tr>
            </thead>
            <tbody>
              {executions.map((x) => (
                <tr key={x.id}>
                  <td className="text-neutral-500">{dateTimeText(x.executedAt)}</td>
                  <td className="font-mono text-[12px]">
                    {x.execId} <span className="text-neutral-400">{x.brokerId}</span>
                  </td>
                  <td>
                    <MonoId id={x.id} />
                  </td>
                  <td className="r">{quantity(x.quantity)}</td>
                  <td className="r">{price(x.price)}</td>
                </tr>
              ))}
              {executions.length === 0 && (
                <tr>
                  <td colSpan={5} className="text-neutral-500">
                    No executions yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </section>

        <section className="panel" aria-label="Ledger entries">
          <div className="panel-title">Ledger entries</div>
          <LedgerTable entries={ledgerEntries} empty="No ledger entries for this order yet." />
        </section>
      </div>

      <section className="panel" aria-label="Change history">
        <div className="panel-title">
          <span>Change history</span>
          <span className="font-normal normal-case tracking-normal text-neutral-400">
            {history.length} changes to the order row, newest first
          </span>
        </div>
        <ChangeHistoryTable entries={history} />
      </section>
    </main>
  );
}
