"use client";

import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { dateTimeText, money, quantity } from "@/lib/format";
import { STATUS_LABEL, type OrderStatus } from "@/lib/order-status";
import { useTRPC } from "@/trpc/client";
import { DecisionQueue } from "./decision-queue/decision-queue";
import type { QueueColumns, QueueConfig } from "./decision-queue/types";
import { StatusWithReason } from "./order-cells";
import { orderColumns, orderQueue, type DecisionWords } from "./order-queue";
import { ConsolePage } from "./page-heading";
import type { PendingDecision, PendingOrder, PendingResolveInput, PendingResolveResult } from "./router-types";
import { byDecimal } from "./sortable-table";
import { FenceStates } from "./tcc";

const REFRESH_MS = 2000;

type Decision = PendingDecision;

const DECISIONS = [
  { value: "CONFIRM", label: "Confirm" },
  { value: "CANCEL", label: "Cancel" },
] as const satisfies readonly { value: Decision; label: string }[];

const DECISION_TEXT: Record<Decision, DecisionWords> = {
  CONFIRM: {
    button: "Confirm order",
    effect:
      "only if the broker shows the order (it is asked now): the order takes the broker's status and keeps its reservation",
  },
  CANCEL: {
    button: "Cancel order",
    effect:
      "a cancel goes to the broker first; what the order holds is released when the broker confirms it has nothing working",
  },
};

const column = createColumnHelper<PendingOrder>();
const dim = (text: string) => <span className="text-neutral-500">{text}</span>;

const orderColumn = orderColumns<PendingOrder>("Side · qty · symbol");

const columns: QueueColumns<PendingOrder> = [
  orderColumn.order,
  column.accessor("accountNo", {
    header: "Account",
    cell: (c) => <span className="font-mono text-[12px]">{c.getValue()}</span>,
  }),
  orderColumn.terms,
  orderColumn.broker,
  column.accessor("orderStatus", {
    header: "Status · reason",
    cell: ({ row: { original: o } }) => <StatusWithReason status={o.orderStatus} reason={o.statusReason} />,
  }),
  column.accessor("heldCash", {
    header: "Held cash",
    meta: { numeric: true },
    sortingFn: byDecimal<PendingOrder>(),
    cell: (c) => money(c.getValue()),
  }),
  column.accessor("heldQuantity", {
    header: "Held shares",
    meta: { numeric: true },
    sortingFn: byDecimal<PendingOrder>(),
    cell: (c) => quantity(c.getValue()),
  }),
  column.accessor("heldPoints", {
    header: "Held points",
    meta: { numeric: true },
    sortingFn: byDecimal<PendingOrder>(),
    cell: (c) => quantity(c.getValue()),
  }),
  column.accessor("deadline", { header: "Deadline", cell: (c) => dim(dateTimeText(c.getValue())) }),
  column.accessor("escalatedAt", { header: "Escalated", cell: (c) => dim(dateTimeText(c.getValue())) }),
  column.display({ id: "fences", header: "Fences", cell: (c) => <FenceStates fences={c.row.original.fences} /> }),
];

export function PendingQueue() {
  const trpc = useTRPC();
  const pending = useQuery({ ...trpc.admin.pending.list.queryOptions(), refetchInterval: REFRESH_MS });
  const rows = pending.data ?? [];

  const config = useMemo((): QueueConfig<PendingOrder, Decision, PendingResolveInput, PendingResolveResult> => {
    const base = orderQueue<PendingOrder, Decision>(DECISIONS, DECISION_TEXT, (decision) => decision === "CANCEL");
    return {
      ...base,
      label: "Pending orders",
      testIds: { table: "pending-table", empty: "pending-empty", form: "resolve-form", success: "resolve-success" },
      rowData: (row) => ({ "data-order-id": row.orderId, "data-status": row.orderStatus }),
      columns,
      initialSort: [{ id: "deadline", desc: false }],
      placeholder: "e.g. broker desk confirmed order on the phone",
      decide: {
        options: trpc.admin.pending.resolve.mutationOptions(),
        input: (row, decision, reason) => ({ orderId: row.orderId, decision, reason }),
        done: ({ orderId, status }, decision) => {
          const label = STATUS_LABEL[status as OrderStatus] ?? status;
          return decision === "CONFIRM"
            ? `Order ${orderId.slice(0, 8)}… confirmed: it is now ${label} and keeps its reservation.`
            : `Order ${orderId.slice(0, 8)}… cancelled: it is now ${label} and what it held is released.`;
        },
      },
      bulk: {
        decisions: base.bulkDecisions,
        preview: (ids, decision) => trpc.admin.pending.preview.queryOptions({ ids, decision }),
        decideMany: trpc.admin.pending.decideMany.mutationOptions(),
      },
      loading: "Loading the pending queue…",
      empty:
        "Nothing is pending. An order lands here when its reservation passes its deadline while the broker's answer is unknown; this list refreshes every 2 s.",
    };
  }, [trpc]);

  return (
    <ConsolePage
      title="Pending queue"
      query={pending}
      status={
        <>
          {rows.length} {rows.length === 1 ? "order" : "orders"} waiting for a decision
        </>
      }
      explanationTestId="pending-explanation"
      explanation={
        <>
          Confirm: the broker shows this order — it keeps its reservation. Cancel: cancel it at the broker — what it
          holds is released once the broker confirms.
        </>
      }
    >
      <DecisionQueue config={config} query={pending} refreshSeconds={REFRESH_MS / 1000} />
    </ConsolePage>
  );
}
