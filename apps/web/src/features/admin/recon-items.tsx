"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { MonoId } from "@/components/mono-id";
import { Pill } from "@/components/pill";
import { StatusBadge } from "@/components/status-badge";
import { dateTimeText, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { DecisionQueue } from "./decision-queue/decision-queue";
import type { QueueConfig } from "./decision-queue/types";
import { OrderLink } from "./order-cells";
import {
  CLASS_LABEL,
  FIX_LABEL,
  ITEM_STATUS,
  ITEM_STATUSES,
  MISMATCH_CLASSES,
  type ItemStatus,
  type MismatchClass,
} from "./recon-labels";
import type { ReconDecideInput, ReconDecideResult, ReconDecision, ReconItem } from "./router-types";
import { SelectFilter } from "./select-filter";
import { RECON_ITEMS_INITIAL_STATUS } from "./console-queries";

const REFRESH_MS = 5000;

type Decision = ReconDecision;

/** Approving an ACKNOWLEDGE changes nothing but the item: the button says so. */
function approveLabel(item: ReconItem) {
  return item.proposedFix === "ACKNOWLEDGE" ? "Acknowledge" : "Approve";
}

function decisionsFor(item: ReconItem) {
  return [
    { value: "APPROVE", label: approveLabel(item) },
    { value: "REJECT", label: "Reject" },
  ] as const satisfies readonly { value: Decision; label: string }[];
}

/** "ACCEPTED · 0 / 10 filled": one side of the comparison, in a line. */
function Side({ label, status, filled, qty }: { label: string; status: string | null; filled?: string; qty?: string }) {
  return (
    <div className="flex items-center gap-1.5 leading-snug">
      <span className="w-12 text-[11px] text-neutral-500">{label}</span>
      {status ? (
        <>
          <StatusBadge status={status} />
          <span className="num text-neutral-600">
            {quantity(filled)} / {quantity(qty)} filled
          </span>
        </>
      ) : (
        <span className="text-neutral-400">no such order</span>
      )}
    </div>
  );
}

function Sides({ item }: { item: ReconItem }) {
  const { ours, broker, execution } = item.detail;
  return (
    <div>
      <Side label="Ours" status={ours?.status ?? null} filled={ours?.filledQuantity} qty={ours?.quantity} />
      <Side
        label={item.brokerId}
        status={broker?.status ?? null}
        filled={broker?.filledQuantity}
        qty={broker?.quantity}
      />
      {execution && (
        <div className="mt-0.5 text-[11.5px] text-neutral-500" title={execution.execId}>
          exec {execution.execId}: broker {quantity(execution.quantity)} @ {execution.price ?? "—"}, ours{" "}
          {quantity(execution.ourQuantity)} @ {execution.ourPrice ?? "—"}
        </div>
      )}
    </div>
  );
}

function Decided({ item }: { item: ReconItem }) {
  if (!item.decidedBy) return <span className="text-neutral-400">—</span>;
  return (
    <div className="max-w-64 whitespace-normal leading-snug">
      <span className="font-mono text-[12px]" title={item.decidedBy}>
        {item.decidedBy.replace(/([0-9a-f]{8})-[0-9a-f-]{27}/i, "$1…")}
      </span>{" "}
      <span className="text-neutral-500">{dateTimeText(item.decidedAt)}</span>
      {item.reason && <div className="text-neutral-600">{item.reason}</div>}
    </div>
  );
}

const column = createColumnHelper<ReconItem>();

const columns = [
  column.accessor("createdAt", {
    header: "Found",
    cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span>,
  }),
  column.accessor("class", {
    header: "Class",
    cell: (c) => (
      <>
        <span className="font-medium">{CLASS_LABEL[c.getValue()]}</span>
        <div className="font-mono text-[11px] text-neutral-400">{c.row.original.brokerId}</div>
      </>
    ),
  }),
  column.accessor("clientOrderId", {
    header: "Order · account",
    enableSorting: false,
    cell: ({ row: { original: item } }) => (
      <>
        {item.orderId ? <OrderLink orderId={item.orderId} /> : <MonoId id={item.clientOrderId} />}
        <div className="font-mono text-[11px] text-neutral-500">{item.accountNo ?? "not ours"}</div>
      </>
    ),
  }),
  column.accessor("summary", {
    header: "Summary",
    enableSorting: false,
    cell: (c) => <div className="max-w-80 min-w-56 whitespace-normal">{c.getValue()}</div>,
  }),
  column.display({ id: "sides", header: "Ours vs broker", cell: (c) => <Sides item={c.row.original} /> }),
  column.accessor("proposedFix", {
    header: "Proposed fix",
    cell: ({ row: { original: item } }) => (
      <div className="max-w-56 whitespace-normal">
        <span className="font-medium">{FIX_LABEL[item.proposedFix]}</span>
        <div className="text-[11.5px] leading-snug text-neutral-500">{item.fixDescription}</div>
      </div>
    ),
  }),
  column.accessor("status", {
    header: "Status",
    cell: (c) => (
      <Pill data-item-status={c.getValue()} tone={ITEM_STATUS[c.getValue()].tone}>
        {ITEM_STATUS[c.getValue()].label}
      </Pill>
    ),
  }),
  column.display({ id: "decided", header: "Decided", cell: (c) => <Decided item={c.row.original} /> }),
];

export function ReconItems({ runId, onShowAllRuns }: { runId: string | null; onShowAllRuns: () => void }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<ItemStatus | "">(RECON_ITEMS_INITIAL_STATUS);
  const [mismatchClass, setMismatchClass] = useState<MismatchClass | "">("");
  const items = useQuery({
    ...trpc.admin.recon.items.queryOptions({
      runId: runId ?? undefined,
      status: status || undefined,
      class: mismatchClass || undefined,
    }),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });

  const config = useMemo(
    (): QueueConfig<ReconItem, Decision, ReconDecideInput, ReconDecideResult> => ({
      label: "Reconciliation items",
      testIds: { table: "recon-items", empty: "recon-items-empty", form: "recon-form", success: "recon-decided" },
      noun: { one: "item", many: "items" },
      rowId: (item) => item.id,
      rowData: (item) => ({ "data-item-id": item.id, "data-class": item.class, "data-status": item.status }),
      describe: (item) => `${CLASS_LABEL[item.class]} · ${FIX_LABEL[item.proposedFix]} · ${item.brokerId}`,
      columns,
      initialSort: [{ id: "createdAt", desc: true }],
      decisions: (item) => (item.status === "PROPOSED" ? decisionsFor(item) : []),
      form: (item, decision) =>
        decision === "APPROVE"
          ? {
              summary: (
                <>
                  <span className="font-semibold">{approveLabel(item)}</span> {CLASS_LABEL[item.class].toLowerCase()} on{" "}
                  <MonoId id={item.clientOrderId} />: {item.fixDescription}
                </>
              ),
              submitLabel: approveLabel(item),
            }
          : {
              summary: (
                <>
                  <span className="font-semibold">Reject</span> the proposed fix for <MonoId id={item.clientOrderId} />:
                  nothing changes on the order; the item is closed with your reason, and a later run reports the
                  mismatch again if it is still there.
                </>
              ),
              submitLabel: "Reject fix",
              destructive: true,
            },
      placeholder: "e.g. checked with the broker desk, their report is right",
      decide: {
        options: trpc.admin.recon.decide.mutationOptions(),
        input: (item, decision, reason) => ({ itemId: item.id, decision, reason }),
        done: (item: ReconItem, decision) =>
          decision === "APPROVE"
            ? `${CLASS_LABEL[item.class]} on ${item.clientOrderId.slice(0, 8)}…: ${FIX_LABEL[item.proposedFix].toLowerCase()} approved, the item is now ${ITEM_STATUS[item.status].label}.`
            : `${CLASS_LABEL[item.class]} on ${item.clientOrderId.slice(0, 8)}…: the proposed fix was rejected; nothing else changed.`,
      },
      bulk: {
        decisions: [
          {
            value: "APPROVE",
            label: "Approve",
            effect: "apply each item's proposed fix (an acknowledgement changes nothing but the item)",
          },
          {
            value: "REJECT",
            label: "Reject",
            effect:
              "close each item with your reason and change nothing on its order; a later run reports a mismatch still there",
            destructive: true,
          },
        ],
        preview: (ids, decision) => trpc.admin.recon.preview.queryOptions({ ids, decision }),
        decideMany: trpc.admin.recon.decideMany.mutationOptions(),
      },
      loading: "Loading the reconciliation items…",
      empty:
        status === "PROPOSED"
          ? "No fix waits for a decision. Choose “Any status” to see what runs found and what was decided."
          : "No items match these filters.",
    }),
    [trpc, status],
  );

  return (
    <DecisionQueue
      config={config}
      query={items}
      refreshSeconds={REFRESH_MS / 1000}
      toolbar={
        <>
          <SelectFilter
            id="recon-status"
            label="Item status"
            any="Any status"
            value={status}
            options={ITEM_STATUSES.map((value) => ({ value, label: ITEM_STATUS[value].label }))}
            onChange={setStatus}
          />
          <SelectFilter
            id="recon-class"
            label="Mismatch class"
            any="Any class"
            width="w-44"
            value={mismatchClass}
            options={MISMATCH_CLASSES.map((value) => ({ value, label: CLASS_LABEL[value] }))}
            onChange={setMismatchClass}
          />
          {runId && (
            <span
              className="inline-flex h-8 items-center gap-2 rounded bg-neutral-100 px-2 text-[12px]"
              data-testid="run-filter"
            >
              Run <MonoId id={runId} />
              <button type="button" className="text-neutral-500 hover:text-neutral-900" onClick={onShowAllRuns}>
                show all runs
              </button>
            </span>
          )}
        </>
      }
    />
  );
}
