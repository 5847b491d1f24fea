"use client";

import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { Missing } from "@/components/data-table";
import { MonoId } from "@/components/mono-id";
import { Pill } from "@/components/pill";
import { dateTimeText, price, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { DecisionQueue } from "./decision-queue/decision-queue";
import type { QueueConfig } from "./decision-queue/types";
import { OrderLink } from "./order-cells";
import { ConsolePage } from "./page-heading";
import { REASON_CODE, REASON_CODES, SOURCE_LABEL, STATUS_OPTIONS } from "./quarantine-labels";
import { REVIEW, ReviewNote, reviewText } from "./quarantine-review";
import type { QuarantineEntry, QuarantineReviewInput, QuarantineReviewResult, QuarantineStatus } from "./router-types";
import { SelectFilter } from "./select-filter";
import { byDecimal } from "./sortable-table";
import { QUARANTINE_INITIAL_STATUS, QUARANTINE_LIMIT, quarantineInput } from "./console-queries";

const REFRESH_MS = 2000;

const STATUS_PHRASE: Record<QuarantineStatus, string> = {
  open: "waiting for a review",
  reviewed: "reviewed",
  all: "open or reviewed",
};

const EMPTY_TEXT: Record<QuarantineStatus, string> = {
  open: "Nothing waits for a review. A broker callback lands here when the receiver refuses it, and a stored execution when the ledger refuses it. This list refreshes every 2 s.",
  reviewed:
    "No reviewed entry. Review one from the Open list; refused callbacks are pruned with their reviews after their retention period (90 days by default).",
  all: "Nothing refused. A broker callback lands here when the receiver refuses it, and a stored execution when the ledger refuses it. This list refreshes every 2 s.",
};

/** Our order, linked; a callback's claimed id that names no order of ours, as text. */
function OrderCell({ entry }: { entry: QuarantineEntry }) {
  if (!entry.orderId) return <Missing />;
  if (entry.orderExists) return <OrderLink orderId={entry.orderId} />;
  return (
    <span className="text-neutral-400" title={`${entry.orderId}: no such order here`}>
      <MonoId id={entry.orderId} /> <span className="text-[11px]">unknown</span>
    </span>
  );
}

/** The callback's body as received (cut to 4 KB by the receiver), opened on demand. */
function BodyExcerpt({ body }: { body: string | null }) {
  if (body === null) return <Missing />;
  return (
    <details data-testid="quarantine-body">
      <summary className="cursor-pointer text-neutral-500 select-none">{body.length} chars</summary>
      <pre className="mt-1 max-h-64 max-w-xl overflow-auto rounded bg-neutral-50 p-2 font-mono text-[11.5px] break-all whitespace-pre-wrap">
        {body || "(empty)"}
      </pre>
    </details>
  );
}

const column = createColumnHelper<QuarantineEntry>();

const columns = [
  column.accessor("at", {
    header: "Time",
    cell: (c) => <span className="text-neutral-500">{dateTimeText(c.getValue())}</span>,
  }),
  column.accessor("source", { header: "Source", cell: (c) => SOURCE_LABEL[c.getValue()] }),
  column.accessor("brokerId", {
    header: "Broker",
    filterFn: "equalsString",
    cell: (c) => <span className="font-mono text-[12px]">{c.getValue()}</span>,
  }),
  column.accessor("reasonCode", {
    header: "Code",
    filterFn: "equalsString",
    cell: (c) => (
      <Pill
        tone={REASON_CODE[c.getValue()].tone}
        title={REASON_CODE[c.getValue()].meaning}
        data-reason-code={c.getValue()}
      >
        {c.getValue()}
      </Pill>
    ),
  }),
  column.accessor("reason", {
    header: "Reason",
    enableSorting: false,
    cell: (c) => (
      <span className="block max-w-md truncate text-neutral-700" title={c.getValue()} data-testid="quarantine-reason">
        {c.getValue()}
      </span>
    ),
  }),
  column.accessor("execId", {
    header: "Exec id",
    cell: (c) => (c.getValue() ? <MonoId id={c.getValue()!} length={16} /> : <Missing />),
  }),
  column.display({ id: "order", header: "Order", cell: (c) => <OrderCell entry={c.row.original} /> }),
  column.accessor("accountNo", {
    header: "Account",
    cell: (c) => (c.getValue() ? <span className="font-mono text-[12px]">{c.getValue()}</span> : <Missing />),
  }),
  column.accessor("symbol", {
    header: "Symbol",
    cell: (c) => (c.getValue() ? <span className="font-semibold">{c.getValue()}</span> : <Missing />),
  }),
  column.accessor("quantity", {
    header: "Qty",
    sortingFn: byDecimal<QuarantineEntry>(),
    meta: { numeric: true },
    cell: (c) => (c.getValue() ? quantity(c.getValue()) : <Missing />),
  }),
  column.accessor("price", {
    header: "Price",
    sortingFn: byDecimal<QuarantineEntry>(),
    meta: { numeric: true },
    cell: (c) => (c.getValue() ? price(c.getValue()) : <Missing />),
  }),
  column.accessor("body", { header: "Body", enableSorting: false, cell: (c) => <BodyExcerpt body={c.getValue()} /> }),
];

export function Quarantine() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<QuarantineStatus>(QUARANTINE_INITIAL_STATUS);
  const quarantine = useQuery({
    ...trpc.admin.quarantine.list.queryOptions(quarantineInput(status)),
    refetchInterval: REFRESH_MS,
  });
  const entries = quarantine.data ?? [];

  const config = useMemo(
    (): QueueConfig<QuarantineEntry, "REVIEW", QuarantineReviewInput, QuarantineReviewResult> => ({
      label: "Quarantined callbacks and executions",
      testIds: { table: "quarantine-table", empty: "quarantine-empty", form: "review-form", success: "review-success" },
      noun: { one: "entry", many: "entries" },
      rowId: (entry) => entry.key,
      rowData: (entry) => ({
        "data-entry-key": entry.key,
        "data-reason-code": entry.reasonCode,
        "data-broker-id": entry.brokerId,
        "data-reviewed": entry.review !== null,
      }),
      describe: (entry) => `${SOURCE_LABEL[entry.source]} · ${entry.reasonCode} · ${entry.brokerId}`,
      columns,
      initialSort: [{ id: "at", desc: true }],
      columnFilters: [
        { column: "brokerId", label: "Broker", any: "Any broker" },
        { column: "reasonCode", label: "Reason code", any: "Any reason", options: REASON_CODES },
      ],
      decisions: (entry) => (entry.review ? [] : REVIEW),
      decisionColumn: { header: "Review", settled: (entry) => entry.review && <ReviewNote review={entry.review} /> },
      form: reviewText,
      placeholder: "e.g. forged call from an unknown IP, reported to security",
      decide: {
        options: trpc.admin.quarantine.review.mutationOptions(),
        input: (entry, _, reason) => ({ key: entry.key, reason }),
        done: ({ key, review }: QuarantineReviewResult) =>
          `${key} is marked reviewed ("${review.reason}"). It is listed under Reviewed, with your name and reason.`,
      },
      bulk: {
        decisions: [
          {
            value: "REVIEW",
            label: "Review",
            effect: "mark each reviewed with your reason; each leaves the Open list and nothing else changes",
          },
        ],
        preview: (ids, decision) => trpc.admin.quarantine.preview.queryOptions({ ids, decision }),
        decideMany: trpc.admin.quarantine.decideMany.mutationOptions(),
      },
      loading: "Loading the quarantine…",
      empty: EMPTY_TEXT[status],
    }),
    [trpc, status],
  );

  return (
    <ConsolePage
      title="Quarantine"
      query={quarantine}
      status={
        <>
          {entries.length} refused {entries.length === 1 ? "callback or execution" : "callbacks and executions"}{" "}
          {STATUS_PHRASE[status]} (the newest {QUARANTINE_LIMIT} at most)
        </>
      }
      explanationTestId="quarantine-explanation"
      explanation={
        <>
          Broker callbacks the receiver refused (signature, malformed body, unknown broker or order, mismatch with the
          order) and stored executions the ledger refused (overfill, or after the order closed). None of them changed an
          order, a balance or the ledger. Review each with a reason (kept in the audit log): what it was and what was
          done about it.
        </>
      }
    >
      <DecisionQueue
        config={config}
        query={quarantine}
        refreshSeconds={REFRESH_MS / 1000}
        toolbar={
          // The review status the list is read with: a server-side filter, unlike the column filters.
          <SelectFilter
            id="quarantine-status"
            label="Status"
            width="w-32"
            value={status}
            options={STATUS_OPTIONS}
            onChange={(next) => next && setStatus(next)}
          />
        }
      />
    </ConsolePage>
  );
}
