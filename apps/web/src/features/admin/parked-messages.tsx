"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { Fragment, useState } from "react";
import { OutcomeBanners } from "@/components/outcome-banners";
import { MonoId } from "@/components/mono-id";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrderLink } from "./order-cells";
import { PollStatus } from "./page-heading";
import { DecisionButtons, ReasonForm } from "./reason-form";

const REFRESH_MS = 2000;
const COLUMNS = 8;
const RETRY = [{ value: "RETRY", label: "Retry now" }] as const;

/**
 * Messages of the event pipeline whose handler kept failing. Each one holds back its order's later messages (they are
 * never handled before it), while other orders flow; an operator can have it run again now, with a reason.
 */
export function ParkedMessages() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const parked = useQuery({ ...trpc.admin.parkedMessages.list.queryOptions(), refetchInterval: REFRESH_MS });
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const retry = useMutation(
    trpc.admin.parkedMessages.retry.mutationOptions({
      onSuccess: ({ key }) => {
        setOpen(null);
        setDone(
          `Order ${key.slice(0, 8)}…: its parked message runs again within seconds; the messages waiting behind it follow once it goes through.`,
        );
      },
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.parkedMessages.pathFilter());
      },
    }),
  );

  function openForm(messageId: string) {
    retry.reset();
    setDone(null);
    setOpen(messageId);
  }

  const rows = parked.data ?? [];
  // The list refreshes while a form is open: if its row went away (it went through), say so instead of dropping the error.
  const openRowGone = open !== null && parked.data !== undefined && !rows.some((row) => row.id === open);
  const orphanError = openRowGone && retry.error ? bannerMessage(retry.error) : null;

  return (
    <section className="flex flex-col gap-2 px-2 pb-2" aria-label="Parked messages">
      {/* A second list on the attention page: an h2 under the page's h1. */}
      <div className="px-1">
        <div className="flex items-baseline gap-3">
          <h2 className="text-sm font-semibold">Parked messages</h2>
          <span className="num text-[12px] text-neutral-500">
            <PollStatus query={parked}>
              {rows.length} {rows.length === 1 ? "order" : "orders"} held back
            </PollStatus>
          </span>
        </div>
        <p className="mt-0.5 text-[12.5px] text-neutral-600" data-testid="parked-explanation">
          A message whose handler keeps failing parks its order: the order&apos;s later messages wait behind it, never
          handled out of order, while other orders flow. The worker retries it every few minutes;{" "}
          <span className="font-medium text-neutral-800">Retry now</span> runs it on the worker&apos;s next pass, for
          example once the cause is fixed.
        </p>
      </div>

      <OutcomeBanners
        success={done}
        successTestId="parked-success"
        onDismissSuccess={() => setDone(null)}
        orphanError={orphanError}
        onDismissError={() => retry.reset()}
      />

      <div className="panel overflow-auto">
        <table className="data-table" data-testid="parked-table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Topic · message</th>
              <th className="r">Attempts</th>
              <th>Last error</th>
              <th className="r">Waiting behind it</th>
              <th>Parked since</th>
              <th>Next retry</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const formOpen = open === row.id;
              return (
                <Fragment key={row.id}>
                  <tr data-message-id={row.id} data-order-id={row.key} className={clsx(formOpen && "bg-neutral-50")}>
                    <td>
                      <OrderLink orderId={row.key} />
                    </td>
                    <td>
                      <span className="text-neutral-500">{row.topic}</span> ·{" "}
                      <span className="font-medium">{row.eventType}</span>
                    </td>
                    <td className="r num">{row.attempts}</td>
                    <td className="whitespace-normal text-rose-700">{row.lastError ?? "—"}</td>
                    <td className="r num">{row.waiting}</td>
                    <td className="text-neutral-500">{dateTimeText(row.parkedAt)}</td>
                    <td className="text-neutral-500">{row.retryAt ? dateTimeText(row.retryAt) : "on the next pass"}</td>
                    <td className="r">
                      <DecisionButtons
                        options={RETRY}
                        open={formOpen ? "RETRY" : null}
                        onOpen={() => openForm(row.id)}
                      />
                    </td>
                  </tr>
                  {formOpen && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={COLUMNS} className="whitespace-normal">
                        <ReasonForm
                          id={row.id}
                          testId="parked-retry-form"
                          action="RETRY"
                          summary={
                            <>
                              <span className="font-semibold">Retry now</span> the {row.eventType} message (
                              <MonoId id={row.id} />) of order <MonoId id={row.key} />: the worker runs it on its next
                              pass; if it goes through, the {row.waiting} waiting behind it follow in order.
                            </>
                          }
                          submitLabel="Retry now"
                          placeholder="e.g. broker adapter fixed"
                          pending={retry.isPending}
                          error={retry.error}
                          onSubmit={(reason) => retry.mutate({ messageId: row.id, reason })}
                          onClose={() => {
                            retry.reset();
                            setOpen(null);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
            {parked.data?.length === 0 && (
              <tr>
                <td colSpan={COLUMNS} className="text-neutral-500" data-testid="parked-empty">
                  No message is parked: every order&apos;s messages are flowing. This list refreshes every 2 s.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
