"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import Link from "next/link";
import { Fragment, useState } from "react";
import { OutcomeBanners } from "@/components/outcome-banners";
import { MonoId } from "@/components/mono-id";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText, quantity } from "@/lib/format";
import { STATUS_LABEL, type OrderStatus } from "@/lib/order-status";
import { useTRPC } from "@/trpc/client";
import { OrderLine, OrderLink, StatusWithReason } from "./order-cells";
import { PageHeading, PollStatus } from "./page-heading";
import { DecisionButtons, ReasonForm } from "./reason-form";
import type { AttentionAction, AttentionOrder } from "./router-types";

const REFRESH_MS = 2000;
const COLUMNS = 8;

type OpenForm = { orderId: string; action: AttentionAction };

const ACTIONS = [
  { value: "RETRY", label: "Retry now" },
  { value: "REJECT", label: "Mark rejected" },
  { value: "CANCEL", label: "Cancel" },
] as const satisfies readonly { value: AttentionAction; label: string }[];

const ACTION_TEXT: Record<AttentionAction, { button: string; effect: string; done: string }> = {
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

function orderText(order: AttentionOrder) {
  return `${order.side} ${quantity(order.quantity)} ${order.symbol}`;
}

function NextAttempt({ order }: { order: AttentionOrder }) {
  if (order.nextAttemptAt) return <span className="text-neutral-500">{dateTimeText(order.nextAttemptAt)}</span>;
  if (order.status === "NEEDS_ATTENTION") return <span className="text-red-700">none: retries used up</span>;
  return <span className="text-neutral-400">—</span>;
}

/** The order's submit history: every attempt, unknown outcome, scheduled retry and operator retry, oldest first. */
function AttemptHistory({ attempts }: { attempts: AttentionOrder["attempts"] }) {
  return (
    <table className="data-table" data-testid="attempt-history">
      <thead>
        <tr>
          <th>Time</th>
          <th>Event</th>
          <th>Cause</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt, index) => (
          <tr key={index} data-event-kind={attempt.kind}>
            <td className="text-neutral-500">{dateTimeText(attempt.at)}</td>
            <td className="font-medium">{attempt.kind}</td>
            <td className="whitespace-normal text-neutral-600">{attempt.cause}</td>
          </tr>
        ))}
        {attempts.length === 0 && (
          <tr>
            <td colSpan={3} className="text-neutral-500">
              No attempt recorded yet.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function AttentionQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const attention = useQuery({ ...trpc.admin.attention.list.queryOptions(), refetchInterval: REFRESH_MS });
  const [open, setOpen] = useState<OpenForm | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [done, setDone] = useState<string | null>(null);

  const act = useMutation(
    trpc.admin.attention.act.mutationOptions({
      onSuccess: ({ orderId, status }, { action }) => {
        setOpen(null);
        const label = STATUS_LABEL[status as OrderStatus] ?? status;
        setDone(
          `Order ${orderId.slice(0, 8)}… ${ACTION_TEXT[action].button.toLowerCase()}: it is now ${label} and ${ACTION_TEXT[action].done}.`,
        );
      },
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.pathFilter());
      },
    }),
  );

  function openForm(form: OpenForm) {
    act.reset();
    setDone(null);
    setOpen(form);
  }

  function toggle(orderId: string) {
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(orderId)) next.delete(orderId);
      else next.add(orderId);
      return next;
    });
  }

  const rows = attention.data ?? [];
  const waiting = rows.filter((row) => row.status === "NEEDS_ATTENTION").length;
  // The queue refreshes while a form is open: if its row went away (settled elsewhere), say so instead of dropping the error.
  const openRowGone =
    open !== null && attention.data !== undefined && !rows.some((row) => row.orderId === open.orderId);
  const orphanError = openRowGone && act.error ? bannerMessage(act.error) : null;

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">
      <PageHeading
        title="Attention queue"
        status={
          <PollStatus query={attention}>
            {rows.length} {rows.length === 1 ? "order" : "orders"} with an unknown outcome, {waiting}{" "}
            {waiting === 1 ? "needs" : "need"} a decision
          </PollStatus>
        }
      >
        <ul className="mt-0.5 space-y-px text-[12.5px] text-neutral-600" data-testid="attention-explanation">
          {ACTIONS.map(({ value }) => (
            <li key={value} data-action={value}>
              <span className="font-medium text-neutral-800">{ACTION_TEXT[value].button}:</span>{" "}
              {ACTION_TEXT[value].effect}.
            </li>
          ))}
        </ul>
      </PageHeading>

      <OutcomeBanners
        success={done}
        successTestId="attention-success"
        onDismissSuccess={() => setDone(null)}
        orphanError={orphanError}
        onDismissError={() => act.reset()}
      />

      <section className="panel min-h-0 flex-1 overflow-auto" aria-label="Orders needing attention">
        <table className="data-table" data-testid="attention-table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Account</th>
              <th>Side · qty · symbol · broker</th>
              <th>Status · reason</th>
              <th className="r">Attempts</th>
              <th>Next attempt</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const formOpen = open?.orderId === row.orderId;
              const historyOpen = expanded.has(row.orderId);
              return (
                <Fragment key={row.orderId}>
                  <tr
                    data-order-id={row.orderId}
                    data-status={row.status}
                    className={clsx((formOpen || historyOpen) && "bg-neutral-50")}
                  >
                    <td>
                      <OrderLink orderId={row.orderId} />
                    </td>
                    <td>
                      <Link
                        href={`/admin?accountNo=${encodeURIComponent(row.accountNo)}`}
                        className="font-mono text-[12px] hover:underline"
                      >
                        {row.accountNo}
                      </Link>
                    </td>
                    <td>
                      <OrderLine side={row.side} qty={row.quantity} symbol={row.symbol} brokerId={row.brokerId} />
                    </td>
                    <td>
                      <StatusWithReason status={row.status} reason={row.statusReason} />
                    </td>
                    <td className="r">
                      <button
                        type="button"
                        onClick={() => toggle(row.orderId)}
                        aria-expanded={historyOpen}
                        className="inline-flex items-center gap-1 rounded px-1 hover:bg-neutral-100"
                        title={historyOpen ? "Hide the attempt history" : "Show the attempt history"}
                        data-testid="attempts-toggle"
                      >
                        <span className="num font-medium" data-testid="attempt-count">
                          {row.submitAttempts}
                        </span>
                        <span className="w-2 text-[10px] text-neutral-400">{historyOpen ? "▼" : "▶"}</span>
                      </button>
                    </td>
                    <td>
                      <NextAttempt order={row} />
                    </td>
                    <td className="text-neutral-500">{dateTimeText(row.updatedAt)}</td>
                    <td className="r">
                      <DecisionButtons
                        options={ACTIONS}
                        open={formOpen ? (open?.action ?? null) : null}
                        onOpen={(action) => openForm({ orderId: row.orderId, action })}
                      />
                    </td>
                  </tr>
                  {historyOpen && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={COLUMNS} className="bg-neutral-50 px-6 py-2">
                        <AttemptHistory attempts={row.attempts} />
                      </td>
                    </tr>
                  )}
                  {formOpen && open && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={COLUMNS} className="whitespace-normal">
                        <ReasonForm
                          // A fresh form (empty reason) for each action opened.
                          key={open.action}
                          id={row.orderId}
                          testId="attention-form"
                          action={open.action}
                          summary={
                            <>
                              <span className="font-semibold">{ACTION_TEXT[open.action].button}</span> {orderText(row)}{" "}
                              (<MonoId id={row.orderId} />
                              ): {ACTION_TEXT[open.action].effect}.
                            </>
                          }
                          submitLabel={ACTION_TEXT[open.action].button}
                          destructive={open.action !== "RETRY"}
                          placeholder="e.g. broker desk has no such order"
                          pending={act.isPending}
                          error={act.error}
                          onSubmit={(reason) => act.mutate({ orderId: row.orderId, action: open.action, reason })}
                          onClose={() => {
                            act.reset();
                            setOpen(null);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
            {attention.isPending && (
              <tr>
                <td colSpan={COLUMNS} className="text-neutral-500">
                  Loading the attention queue…
                </td>
              </tr>
            )}
            {attention.data?.length === 0 && (
              <tr>
                <td colSpan={COLUMNS} className="text-neutral-500" data-testid="attention-empty">
                  No order needs attention. An order lands here when the broker&apos;s answer is unknown (a timeout, a
                  5xx): it is retried on its own with backoff, and after the last attempt it waits here for a decision.
                  This list refreshes every 2 s.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </main>
  );
}
