"use client";

import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { MonoId } from "@/components/mono-id";
import { dateTimeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { DecisionQueue } from "./decision-queue/decision-queue";
import type { QueueConfig } from "./decision-queue/types";
import { OrderLink } from "./order-cells";
import { ConsolePage } from "./page-heading";
import type { ParkedMessage, ParkedRetryInput, ParkedRetryResult } from "./router-types";

const REFRESH_MS = 2000;
const RETRY = [{ value: "RETRY", label: "Retry now" }] as const;

const column = createColumnHelper<ParkedMessage>();
const dim = (text: string) => <span className="text-neutral-500">{text}</span>;

const columns = [
  column.accessor("key", { header: "Order", enableSorting: false, cell: (c) => <OrderLink orderId={c.getValue()} /> }),
  column.accessor("eventType", {
    header: "Topic · message",
    cell: ({ row: { original: message } }) => (
      <>
        <span className="text-neutral-500">{message.topic}</span> ·{" "}
        <span className="font-medium">{message.eventType}</span>
      </>
    ),
  }),
  column.accessor("attempts", { header: "Attempts", meta: { numeric: true } }),
  column.accessor("lastError", {
    header: "Last error",
    enableSorting: false,
    cell: (c) => <div className="whitespace-normal text-rose-700">{c.getValue() ?? "—"}</div>,
  }),
  column.accessor("waiting", { header: "Waiting behind it", meta: { numeric: true } }),
  column.accessor("parkedAt", { header: "Parked since", cell: (c) => dim(dateTimeText(c.getValue())) }),
  column.accessor("retryAt", {
    header: "Next retry",
    cell: (c) => dim(c.getValue() ? dateTimeText(c.getValue()) : "on the next pass"),
  }),
];

/**
 * Messages of the event pipeline whose handler kept failing. Each one holds back its order's later messages (they are
 * never handled before it), while other orders flow; an operator can have it run again now, with a reason.
 */
export function ParkedMessages() {
  const trpc = useTRPC();
  const parked = useQuery({ ...trpc.admin.parkedMessages.list.queryOptions(), refetchInterval: REFRESH_MS });
  const count = parked.data?.length ?? 0;

  const config = useMemo(
    (): QueueConfig<ParkedMessage, "RETRY", ParkedRetryInput, ParkedRetryResult> => ({
      label: "Parked messages list",
      testIds: { table: "parked-table", empty: "parked-empty", form: "parked-retry-form", success: "parked-success" },
      noun: { one: "message", many: "messages" },
      rowId: (message) => message.id,
      rowData: (message) => ({ "data-message-id": message.id, "data-order-id": message.key }),
      columns,
      initialSort: [{ id: "parkedAt", desc: false }],
      decisions: () => RETRY,
      form: (message) => ({
        summary: (
          <>
            <span className="font-semibold">Retry now</span> the {message.eventType} message (
            <MonoId id={message.id} />) of order <MonoId id={message.key} />: the worker runs it on its next pass; if it
            goes through, the {message.waiting} waiting behind it follow in order.
          </>
        ),
        submitLabel: "Retry now",
      }),
      placeholder: "e.g. broker adapter fixed",
      decide: {
        options: trpc.admin.parkedMessages.retry.mutationOptions(),
        input: (message, _, reason) => ({ messageId: message.id, reason }),
        done: ({ key }: ParkedRetryResult) =>
          `Order ${key.slice(0, 8)}…: its parked message runs again within seconds; the messages waiting behind it follow once it goes through.`,
      },
      loading: "Loading the parked messages…",
      empty: "No message is parked: every order's messages are flowing. This list refreshes every 2 s.",
    }),
    [trpc],
  );

  return (
    // A second list on the attention page: an h2 under the page's h1.
    <ConsolePage
      level={2}
      title="Parked messages"
      query={parked}
      status={`${count} ${count === 1 ? "order" : "orders"} held back`}
      explanationTestId="parked-explanation"
      explanation={
        <>
          A message whose handler keeps failing parks its order: the order&apos;s later messages wait behind it, never
          handled out of order, while other orders flow. The worker retries it every few minutes;{" "}
          <span className="font-medium text-neutral-800">Retry now</span> runs it on the worker&apos;s next pass, for
          example once the cause is fixed.
        </>
      }
    >
      <DecisionQueue config={config} query={parked} refreshSeconds={REFRESH_MS / 1000} />
    </ConsolePage>
  );
}
