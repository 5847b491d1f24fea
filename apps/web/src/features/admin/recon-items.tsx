"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { Fragment, useState } from "react";
import { OutcomeBanners } from "@/components/outcome-banners";
import { MonoId } from "@/components/mono-id";
import { Pill } from "@/components/pill";
import { StatusBadge } from "@/components/status-badge";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
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
import { DecisionButtons, ReasonForm } from "./reason-form";
import { type ReconItem } from "./router-types";
import { RECON_ITEMS_INITIAL_STATUS } from "./console-queries";

const REFRESH_MS = 5000;
const COLUMNS = 9;

type Decision = "APPROVE" | "REJECT";
type OpenForm = { itemId: string; decision: Decision };

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

export function ReconItems({ runId, onShowAllRuns }: { runId: string | null; onShowAllRuns: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ItemStatus | "">(RECON_ITEMS_INITIAL_STATUS);
  const [mismatchClass, setMismatchClass] = useState<MismatchClass | "">("");
  const [open, setOpen] = useState<OpenForm | null>(null);
  const [decided, setDecided] = useState<string | null>(null);

  const items = useQuery({
    ...trpc.admin.recon.items.queryOptions({
      runId: runId ?? undefined,
      status: status || undefined,
      class: mismatchClass || undefined,
    }),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });

  const decide = useMutation(
    trpc.admin.recon.decide.mutationOptions({
      onSuccess: (item, { decision }) => {
        setOpen(null);
        setDecided(
          decision === "APPROVE"
            ? `${CLASS_LABEL[item.class]} on ${item.clientOrderId.slice(0, 8)}…: ${FIX_LABEL[item.proposedFix].toLowerCase()} approved, the item is now ${ITEM_STATUS[item.status].label}.`
            : `${CLASS_LABEL[item.class]} on ${item.clientOrderId.slice(0, 8)}…: the proposed fix was rejected; nothing else changed.`,
        );
      },
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.pathFilter());
      },
    }),
  );

  function openForm(form: OpenForm) {
    decide.reset();
    setDecided(null);
    setOpen(form);
  }

  const rows = items.data ?? [];
  const openRowGone = open !== null && items.data !== undefined && !rows.some((row) => row.id === open.itemId);
  const orphanError = openRowGone && decide.error ? bannerMessage(decide.error) : null;

  return (
    <section className="panel flex min-h-0 flex-1 flex-col" aria-label="Reconciliation items">
      <div className="flex flex-wrap items-end gap-2 border-b border-neutral-200 px-3 py-2">
        <div>
          <label className="label" htmlFor="recon-status">
            Item status
          </label>
          <select
            id="recon-status"
            className="input w-40"
            value={status}
            onChange={(e) => setStatus(e.target.value as ItemStatus | "")}
          >
            <option value="">Any status</option>
            {ITEM_STATUSES.map((value) => (
              <option key={value} value={value}>
                {ITEM_STATUS[value].label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="recon-class">
            Mismatch class
          </label>
          <select
            id="recon-class"
            className="input w-44"
            value={mismatchClass}
            onChange={(e) => setMismatchClass(e.target.value as MismatchClass | "")}
          >
            <option value="">Any class</option>
            {MISMATCH_CLASSES.map((value) => (
              <option key={value} value={value}>
                {CLASS_LABEL[value]}
              </option>
            ))}
          </select>
        </div>
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
        <div className="num ml-auto text-right text-[12px] text-neutral-500">
          {items.isError ? (
            <span className="text-rose-700">{items.error.message} The list retries every 5 s.</span>
          ) : items.data ? (
            `${rows.length} ${rows.length === 1 ? "item" : "items"}`
          ) : (
            "Loading…"
          )}
        </div>
      </div>

      {(decided || orphanError) && (
        <div className="border-b border-neutral-200 p-2">
          <OutcomeBanners
            success={decided}
            successTestId="recon-decided"
            onDismissSuccess={() => setDecided(null)}
            orphanError={orphanError}
            onDismissError={() => decide.reset()}
          />
        </div>
      )}

      <div className="min-h-0 flex-1 overflow-auto">
        <table className="data-table" data-testid="recon-items">
          <thead>
            <tr>
              <th>Found</th>
              <th>Class</th>
              <th>Order · account</th>
              <th>Summary</th>
              <th>Ours vs broker</th>
              <th>Proposed fix</th>
              <th>Status</th>
              <th>Decided</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((item) => {
              const formOpen = open?.itemId === item.id;
              return (
                <Fragment key={item.id}>
                  <tr
                    data-item-id={item.id}
                    data-class={item.class}
                    data-status={item.status}
                    className={clsx("align-top", formOpen && "bg-neutral-50")}
                  >
                    <td className="text-neutral-500">{dateTimeText(item.createdAt)}</td>
                    <td>
                      <span className="font-medium">{CLASS_LABEL[item.class]}</span>
                      <div className="font-mono text-[11px] text-neutral-400">{item.brokerId}</div>
                    </td>
                    <td>
                      {item.orderId ? <OrderLink orderId={item.orderId} /> : <MonoId id={item.clientOrderId} />}
                      <div className="font-mono text-[11px] text-neutral-500">{item.accountNo ?? "not ours"}</div>
                    </td>
                    <td className="max-w-80 min-w-56 whitespace-normal">{item.summary}</td>
                    <td>
                      <Sides item={item} />
                    </td>
                    <td className="max-w-56 whitespace-normal">
                      <span className="font-medium">{FIX_LABEL[item.proposedFix]}</span>
                      <div className="text-[11.5px] leading-snug text-neutral-500">{item.fixDescription}</div>
                    </td>
                    <td>
                      <Pill data-item-status={item.status} tone={ITEM_STATUS[item.status].tone}>
                        {ITEM_STATUS[item.status].label}
                      </Pill>
                    </td>
                    <td>
                      <Decided item={item} />
                    </td>
                    <td className="r">
                      {item.status === "PROPOSED" && (
                        <DecisionButtons
                          options={decisionsFor(item)}
                          open={formOpen ? (open?.decision ?? null) : null}
                          onOpen={(decision) => openForm({ itemId: item.id, decision })}
                        />
                      )}
                    </td>
                  </tr>
                  {formOpen && open && (
                    <tr className="hover:bg-transparent">
                      <td colSpan={COLUMNS} className="whitespace-normal">
                        <ReasonForm
                          key={open.decision}
                          id={item.id}
                          testId="recon-form"
                          action={open.decision}
                          summary={
                            open.decision === "APPROVE" ? (
                              <>
                                <span className="font-semibold">{approveLabel(item)}</span>{" "}
                                {CLASS_LABEL[item.class].toLowerCase()} on <MonoId id={item.clientOrderId} />:{" "}
                                {item.fixDescription}
                              </>
                            ) : (
                              <>
                                <span className="font-semibold">Reject</span> the proposed fix for{" "}
                                <MonoId id={item.clientOrderId} />: nothing changes on the order; the item is closed
                                with your reason, and a later run reports the mismatch again if it is still there.
                              </>
                            )
                          }
                          submitLabel={open.decision === "APPROVE" ? approveLabel(item) : "Reject fix"}
                          destructive={open.decision === "REJECT"}
                          placeholder="e.g. checked with the broker desk, their report is right"
                          pending={decide.isPending}
                          error={decide.error}
                          onSubmit={(reason) => decide.mutate({ itemId: item.id, decision: open.decision, reason })}
                          onClose={() => {
                            decide.reset();
                            setOpen(null);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
            {items.data?.length === 0 && (
              <tr>
                <td colSpan={COLUMNS} className="text-neutral-500" data-testid="recon-items-empty">
                  {status === "PROPOSED"
                    ? "No fix waits for a decision. Choose “Any status” to see what runs found and what was decided."
                    : "No items match these filters."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
