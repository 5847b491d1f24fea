"use client";

import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import Link from "next/link";
import { DataTable, Missing } from "@/components/data-table";
import { MonoId } from "@/components/mono-id";
import { Panel } from "@/components/panel";
import { StatusBadge } from "@/components/status-badge";
import { ORDER_FALLBACK_REFRESH_MS } from "@/features/live/refresh";
import { dateTimeText, money, price, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { ChangeHistoryTable } from "./change-history";
import { AccountOrdersLink, DetailHeading, DetailPending } from "./detail-page";
import { Field } from "./field";
import { LedgerTable } from "./ledger-table";
import type { AdminOrderDetail } from "./router-types";
import { TccBox } from "./tcc";

/** Timeline events operators must not miss: a trade booked after the order closed, and the debit a fill left. */
const ALERT_KINDS: ReadonlySet<string> = new Set(["LATE_FILL", "ACCOUNT_DEBIT"]);

type OrderEvent = AdminOrderDetail["events"][number];
type Execution = AdminOrderDetail["executions"][number];

function DetailJson({ detail }: { detail: unknown }) {
  if (detail == null || (typeof detail === "object" && Object.keys(detail).length === 0)) return <Missing />;
  return (
    <details>
      <summary className="cursor-pointer text-neutral-500 select-none">detail</summary>
      <pre className="mt-1 max-w-xl overflow-auto rounded bg-neutral-50 p-2 font-mono text-[11px] leading-snug whitespace-pre-wrap">
        {JSON.stringify(detail, null, 2)}
      </pre>
    </details>
  );
}

/** "Accepted → Filled", "new → Pending new", or "—" for an event that moved no status. */
function Transition({ event }: { event: OrderEvent }) {
  if (!event.fromStatus && !event.toStatus) return <Missing />;
  return (
    <span className="inline-flex items-center gap-1">
      {event.fromStatus ? <StatusBadge status={event.fromStatus} /> : <span className="text-neutral-400">new</span>}
      <span className="text-neutral-400">→</span>
      {event.toStatus ? <StatusBadge status={event.toStatus} /> : <Missing />}
    </span>
  );
}

function Timeline({ events }: { events: OrderEvent[] }) {
  return (
    <DataTable
      testId="timeline"
      rows={events}
      rowKey={(event) => event.id}
      rowProps={(event) => ({
        "data-event-kind": event.kind,
        className: clsx("align-top", ALERT_KINDS.has(event.kind) && "bg-amber-50"),
      })}
      empty="No events recorded for this order."
      columns={[
        { header: "Time", className: "text-neutral-500", cell: (event) => dateTimeText(event.createdAt) },
        {
          header: "Event",
          className: "font-medium",
          cell: (event) => <span className={clsx(ALERT_KINDS.has(event.kind) && "text-amber-800")}>{event.kind}</span>,
        },
        { header: "Status", cell: (event) => <Transition event={event} /> },
        { header: "Actor", className: "font-mono text-[12px]", cell: (event) => event.actor },
        { header: "Cause", className: "max-w-80 whitespace-normal", cell: (event) => event.cause },
        { header: "Detail", className: "whitespace-normal", cell: (event) => <DetailJson detail={event.detail} /> },
      ]}
    />
  );
}

function Executions({ executions }: { executions: Execution[] }) {
  return (
    <DataTable
      testId="executions"
      rows={executions}
      rowKey={(execution) => execution.id}
      empty="No executions yet."
      columns={[
        { header: "Time", className: "text-neutral-500", cell: (x) => dateTimeText(x.executedAt) },
        {
          header: "Exec ID (broker)",
          className: "font-mono text-[12px]",
          cell: (x) => (
            <>
              {x.execId} <span className="text-neutral-400">{x.brokerId}</span>
            </>
          ),
        },
        { header: "Receipt", cell: (x) => <MonoId id={x.id} /> },
        { header: "Qty", numeric: true, cell: (x) => quantity(x.quantity) },
        { header: "Price", numeric: true, cell: (x) => price(x.price) },
      ]}
    />
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
      <DetailPending
        error={detail.error}
        loading="Loading order…"
        hint="Go back to the console and pick the order again."
      />
    );
  }
  const { order, account, events, executions, ledgerEntries, tcc, history, saga } = data;

  return (
    <main className="space-y-2 p-2">
      <DetailHeading refreshFailed={detail.isError}>
        <h1 className="text-sm font-semibold">
          {order.side} {quantity(order.quantity)} {order.symbol}{" "}
          {order.type === "LIMIT" ? `@ ${price(order.limitPrice)}` : "at market"}
        </h1>
        <StatusBadge status={order.status} />
      </DetailHeading>

      <Panel title="Order">
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
          <Field label="Paid in">
            {saga ? (
              <Link
                className="underline underline-offset-2 hover:text-neutral-600"
                href={`/admin/sagas/${saga.id}`}
                data-testid="order-saga-link"
              >
                Won (saga {saga.status.toLowerCase()})
              </Link>
            ) : (
              "Dollars"
            )}
          </Field>
          <Field label="Placed">{dateTimeText(order.createdAt)}</Field>
          <Field label="Updated">{dateTimeText(order.updatedAt)}</Field>
          <div className="col-span-2 sm:col-span-4">
            <Field label="Reason">{order.statusReason ?? "—"}</Field>
          </div>
        </dl>
      </Panel>

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-2">
        <Panel title="Account" note={<AccountOrdersLink accountNo={account.accountNo} />}>
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
        </Panel>
        <TccBox tcc={tcc} />
      </div>

      <Panel title="Timeline" note={`${events.length} events, oldest first`}>
        <Timeline events={events} />
      </Panel>

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-2">
        <Panel title="Executions">
          <Executions executions={executions} />
        </Panel>
        <Panel title="Ledger entries">
          <LedgerTable entries={ledgerEntries} empty="No ledger entries for this order yet." />
        </Panel>
      </div>

      <Panel title="Change history" note={`${history.length} changes to the order row, newest first`}>
        <ChangeHistoryTable entries={history} />
      </Panel>
    </main>
  );
}
