"use client";

import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table";
import { dateTimeText, quantity } from "@/lib/format";
import { STATUS_LABEL, type OrderStatus } from "@/lib/order-status";
import { useTRPC } from "@/trpc/client";
import { DecisionQueue, DetailToggle } from "./decision-queue/decision-queue";
import type { QueueColumns, QueueConfig } from "./decision-queue/types";
import { StatusWithReason } from "./order-cells";
import { orderColumns, orderQueue, type DecisionWords } from "./order-queue";
import { ConsolePage } from "./page-heading";
import type { AttentionAction, AttentionActInput, AttentionActResult, AttentionOrder } from "./router-types";

const REFRESH_MS = 2000;

const ACTIONS = [
  { value: "RETRY", label: "Retry now" },
  { value: "REJECT", label: "Mark rejected" },
  { value: "CANCEL", label: "Cancel" },
] as const satisfies readonly { value: AttentionAction; label: string }[];

const ACTION_TEXT: Record<AttentionAction, DecisionWords & { done: string }> = {
  RETRY: {
    button: "Retry now",
    effect:
      "submit it again at once with the same order id as the idempotency key, so the broker never makes a second order; a broker that can look orders up is asked first",
    done: "is being submitted again",
  },
  REJECT: {
    button: "Mark rejected",
    effect:
      "close it as rejected and release what it holds; only when the broker's own record (lookup, else its daily report) shows no such order and no earlier submit can still reach it — a broker that can be asked neither way cannot prove it: cancel instead",
    done: "is closed and what it held is released",
  },
  CANCEL: {
    button: "Cancel order",
    effect: "send a cancel to the broker, retried like a submit; a fill that races the cancel still counts",
    done: "waits for the broker to confirm the cancel",
  },
};

function NextAttempt({ order }: { order: AttentionOrder }) {
  if (order.nextAttemptAt) return <span className="text-neutral-500">{dateTimeText(order.nextAttemptAt)}</span>;
  if (order.status === "NEEDS_ATTENTION") return <span className="text-red-700">none: retries used up</span>;
  return <span className="text-neutral-400">—</span>;
}

/** The order's submit history: every attempt, unknown outcome, scheduled retry and operator retry, oldest first. */
function AttemptHistory({ attempts }: { attempts: AttentionOrder["attempts"] }) {
  return (
    <DataTable
      testId="attempt-history"
      rows={attempts}
      rowKey={(_, index) => index}
      rowProps={(attempt) => ({ "data-event-kind": attempt.kind })}
      empty="No attempt recorded yet."
      columns={[
        { header: "Time", className: "text-neutral-500", cell: (attempt) => dateTimeText(attempt.at) },
        { header: "Event", className: "font-medium", cell: (attempt) => attempt.kind },
        { header: "Cause", className: "whitespace-normal text-neutral-600", cell: (attempt) => attempt.cause },
      ]}
    />
  );
}

const column = createColumnHelper<AttentionOrder>();

const orderColumn = orderColumns<AttentionOrder>("Side · qty · symbol · broker");

const columns: QueueColumns<AttentionOrder> = [
  orderColumn.order,
  column.accessor("accountNo", {
    header: "Account",
    cell: (c) => (
      <Link
        href={`/admin?accountNo=${encodeURIComponent(c.getValue())}`}
        className="font-mono text-[12px] hover:underline"
      >
        {c.getValue()}
      </Link>
    ),
  }),
  orderColumn.terms,
  orderColumn.broker,
  column.accessor("status", {
    header: "Status · reason",
    cell: ({ row: { original: o } }) => <StatusWithReason status={o.status} reason={o.statusReason} />,
  }),
  column.accessor("submitAttempts", {
    header: "Attempts",
    meta: { numeric: true },
    cell: (c) => (
      <DetailToggle
        cell={c}
        testId="attempts-toggle"
        title={{ open: "Hide the attempt history", closed: "Show the attempt history" }}
      >
        <span className="num font-medium" data-testid="attempt-count">
          {c.getValue()}
        </span>
      </DetailToggle>
    ),
  }),
  column.accessor("nextAttemptAt", { header: "Next attempt", cell: (c) => <NextAttempt order={c.row.original} /> }),
  column.accessor("updatedAt", {
    header: "Since",
    cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span>,
  }),
];

export function AttentionQueue() {
  const trpc = useTRPC();
  const attention = useQuery({ ...trpc.admin.attention.list.queryOptions(), refetchInterval: REFRESH_MS });
  const rows = attention.data ?? [];
  const waiting = rows.filter((row) => row.status === "NEEDS_ATTENTION").length;

  const config = useMemo((): QueueConfig<AttentionOrder, AttentionAction, AttentionActInput, AttentionActResult> => {
    const base = orderQueue<AttentionOrder, AttentionAction>(ACTIONS, ACTION_TEXT, (action) => action !== "RETRY");
    return {
      ...base,
      label: "Orders needing attention",
      testIds: {
        table: "attention-table",
        empty: "attention-empty",
        form: "attention-form",
        success: "attention-success",
      },
      rowData: (row) => ({ "data-order-id": row.orderId, "data-status": row.status }),
      columns,
      initialSort: [{ id: "updatedAt", desc: false }],
      placeholder: "e.g. broker desk has no such order",
      decide: {
        options: trpc.admin.attention.act.mutationOptions(),
        input: (row, action, reason) => ({ orderId: row.orderId, action, reason }),
        done: ({ orderId, status }, action) =>
          `Order ${orderId.slice(0, 8)}… ${ACTION_TEXT[action].button.toLowerCase()}: it is now ${STATUS_LABEL[status as OrderStatus] ?? status} and ${ACTION_TEXT[action].done}.`,
      },
      detail: (row) => <AttemptHistory attempts={row.attempts} />,
      bulk: {
        decisions: base.bulkDecisions,
        preview: (ids, action) => trpc.admin.attention.preview.queryOptions({ ids, decision: action }),
        decideMany: trpc.admin.attention.decideMany.mutationOptions(),
      },
      loading: "Loading the attention queue…",
      empty:
        "No order needs attention. An order lands here when the broker's answer is unknown (a timeout, a 5xx): it is retried on its own with backoff, and after the last attempt it waits here for a decision. This list refreshes every 2 s.",
    };
  }, [trpc]);

  return (
    <ConsolePage
      title="Attention queue"
      query={attention}
      status={
        <>
          {rows.length} {rows.length === 1 ? "order" : "orders"} with an unknown outcome, {waiting}{" "}
          {waiting === 1 ? "needs" : "need"} a decision
        </>
      }
      explanationTestId="attention-explanation"
      explanation={
        <>
          <ul className="space-y-px">
            {ACTIONS.map(({ value }) => (
              <li key={value} data-action={value}>
                <span className="font-medium text-neutral-800">{ACTION_TEXT[value].button}:</span>{" "}
                {ACTION_TEXT[value].effect}.
              </li>
            ))}
          </ul>
        </>
      }
    >
      <DecisionQueue config={config} query={attention} refreshSeconds={REFRESH_MS / 1000} />
    </ConsolePage>
  );
}
