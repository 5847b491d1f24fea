"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { Fragment, useState } from "react";
import { OutcomeBanners } from "@/components/outcome-banners";
import { MonoId } from "@/components/mono-id";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText, money, quantity } from "@/lib/format";
import { STATUS_LABEL, type OrderStatus } from "@/lib/order-status";
import { useTRPC } from "@/trpc/client";
import { OrderLine, OrderLink, StatusWithReason } from "./order-cells";
import { PageHeading, PollStatus } from "./page-heading";
import { DecisionButtons, ReasonForm } from "./reason-form";
import { FenceStates } from "./tcc";
import type { PendingOrder } from "./router-types";

const REFRESH_MS = 2000;
const COLUMNS = 11;

type Decision = "CONFIRM" | "CANCEL";
type OpenForm = { orderId: string; decision: Decision };

const DECISIONS = [
  { value: "CONFIRM", label: "Confirm" },
  { value: "CANCEL", label: "Cancel" },
] as const satisfies readonly { value: Decision; label: string }[];

const DECISION_TEXT: Record<Decision, { button: string; effect: string }> = {
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

function orderText(order: PendingOrder) {
  return `${order.side} ${quantity(order.quantity)} ${order.symbol}`;
}

export function PendingQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useQuery({ ...trpc.admin.pending.list.queryOptions(), refetchInterval: REFRESH_MS });
  const [open, setOpen] = useState<OpenForm | null>(null);
  const [resolved, setResolved] = useState<string | null>(null);

  const resolve = useMutation(
    trpc.admin.pending.resolve.mutationOptions({
      onSuccess: ({ orderId, status }, { decision }) => {
        setOpen(null);
        const label = STATUS_LABEL[status as OrderStatus] ?? status;
        setResolved(
          decision === "CONFIRM"
            ? `Order ${orderId.slice(0, 8)}… confirmed: it is now ${label} and keeps its reservation.`
            : `Order ${orderId.slice(0, 8)}… cancelled: it is now ${label} and what it held is released.`,
        );
      },
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.pathFilter());
      },
    }),
  );

  function openForm(form: OpenForm) {
    resolve.reset();
    setResolved(null);
    setOpen(form);
  }

  const rows = pending.data ?? [];
  // The queue refreshes while a form is open: if its row went away (settled elsewhere), say so instead of dropping the error.
  const openRowGone = open !== null && pending.data !== undefined && !rows.some((row) => row.orderId === open.orderId);
  const orphanError = openRowGone && resolve.error ? bannerMessage(resolve.error) : null;

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">
      <PageHeading
        title="Pending queue"
        status={
          <PollStatus query={pending}>
            {rows.length} {rows.length === 1 ? "order" : "orders"} waiting for a decision
          </PollStatus>
        }
      >
        <p className="mt-0.5 text-[12.5px] text-neutral-600" data-testid="pending-explanation">
          Confirm: the broker shows this order — it keeps its reservation. Cancel: cancel it at the broker — what it
          holds is released once the broker confirms.
        </p>
      </PageHeading>

      <OutcomeBanners
        success={resolved}
        successTestId="resolve-success"
        onDismissSuccess={() => setResolved(null)}
        orphanError={orphanError}
        onDismissError={() => resolve.reset()}
      />

      <section className="panel min-h-0 flex-1 overflow-auto" aria-label="Pending orders">
        <table className="data-table" data-testid="pending-table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Account</th>
              <th>Side · qty · symbol</th>
              <th>Status · reason</th>
              <th className="r">Held cash</th>
              <th className="r">Held shares</th>
              <th className="r">Held points</th>
              <th>Deadline</th>
              <th>Escalated</th>
              <th>Fences</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const formOpen = open?.orderId === row.orderId;
              return (
                <Fragment key={row.orderId}>
                  <tr
                    data-order-id={row.orderId}
                    data-status={row.orderStatus}
                    className={clsx(formOpen && "bg-neutral-50")}
                  >
                    <td>
                      <OrderLink orderId={row.orderId} />
                    </td>
                    <td className="font-mono text-[12px]">{row.accountNo}</td>
                    <td>
                      <OrderLine side={row.side} qty={row.quantity} symbol={row.symbol} brokerId={row.brokerId} />
                    </td>
                    <td>
                      <StatusWithReason status={row.orderStatus} reason={row.statusReason} />
                    </td>
                    <td className="r">{money(row.heldCash)}</td>
                    <td className="r">{quantity(row.heldQuantity)}</td>
                    <td className="r">{quantity(row.heldPoints)}</td>
                    <td className="text-neutral-500">{dateTimeText(row.deadline)}</td>
                    <td className="text-neutral-500">{dateTimeText(row.escalatedAt)}</td>
                    <td>
                      <FenceStates fences={row.fences} />
                    </td>
                    <td className="r">
                      <DecisionButtons
                        options={DECISIONS}
                        open={formOpen ? (open?.decision ?? null) : null}
                        onOpen={(decision) => openForm({ orderId: row.orderId, decision })}
                      />
                    </td>
                  </tr>
                  {formOpen && open && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={COLUMNS} className="whitespace-normal">
                        <ReasonForm
                          // A fresh form (empty reason) for each decision opened.
                          key={open.decision}
                          id={row.orderId}
                          testId="resolve-form"
                          action={open.decision}
                          summary={
                            <>
                              <span className="font-semibold">{DECISION_TEXT[open.decision].button}</span>{" "}
                              {orderText(row)} (<MonoId id={row.orderId} />
                              ): {DECISION_TEXT[open.decision].effect}.
                            </>
                          }
                          submitLabel={DECISION_TEXT[open.decision].button}
                          destructive={open.decision === "CANCEL"}
                          placeholder="e.g. broker desk confirmed order on the phone"
                          pending={resolve.isPending}
                          error={resolve.error}
                          onSubmit={(reason) =>
                            resolve.mutate({ orderId: row.orderId, decision: open.decision, reason })
                          }
                          onClose={() => {
                            resolve.reset();
                            setOpen(null);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
            {pending.isPending && (
              <tr>
                <td colSpan={COLUMNS} className="text-neutral-500">
                  Loading the pending queue…
                </td>
              </tr>
            )}
            {pending.data?.length === 0 && (
              <tr>
                <td colSpan={COLUMNS} className="text-neutral-500" data-testid="pending-empty">
                  Nothing is pending. An order lands here when its reservation passes its deadline while the
                  broker&apos;s answer is unknown; this list refreshes every 2 s.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </main>
  );
}
