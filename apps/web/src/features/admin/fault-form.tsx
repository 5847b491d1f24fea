"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { useState, type FormEvent } from "react";
import { Banner } from "@/components/banner";
import { bannerMessage, fieldErrorsOf } from "@/lib/errors";
import { useTRPC } from "@/trpc/client";
import {
  CAPACITIES,
  DELAYS,
  describeFaults,
  liveText,
  NO_FAULTS,
  RATES,
  readDraft,
  SWITCHES,
  type CapacityKey,
  type DelayKey,
  type FaultDraft,
  type RateKey,
} from "./faults";
import type { BrokerFaults } from "./router-types";

type Applied = { kind: "change" | "clear"; text: string };

function NumberInput({
  brokerId,
  field,
  unit,
  live,
  draft,
  error,
  onChange,
}: {
  brokerId: string;
  field: { key: DelayKey | RateKey | CapacityKey; label: string; hint: string };
  unit: string;
  live: BrokerFaults;
  draft: string | undefined;
  error: string | undefined;
  onChange: (text: string) => void;
}) {
  const id = `${brokerId}-${field.key}`;
  const current = liveText(live, field.key);
  const edited = draft !== undefined && draft.trim() !== current;
  return (
    <div>
      <label className="label" htmlFor={id}>
        {field.label}
      </label>
      <div className="relative">
        <input
          id={id}
          className={clsx("input num pr-8 text-right", edited && !error && "border-amber-500 bg-amber-50")}
          inputMode="decimal"
          autoComplete="off"
          value={draft ?? current}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-note`}
          data-field={field.key}
        />
        <span className="pointer-events-none absolute inset-y-0 right-2 flex items-center text-[12px] text-neutral-400">
          {unit}
        </span>
      </div>
      {error ? (
        <p className="field-error" id={`${id}-note`} data-testid={`error-${field.key}`}>
          {error}
        </p>
      ) : (
        <p className="mt-1 truncate text-[11px] text-neutral-500" id={`${id}-note`} title={field.hint}>
          {edited ? `now ${unit ? `${current} ${unit}` : current}; not applied yet` : field.hint}
        </p>
      )}
    </div>
  );
}

/**
 * One broker's fault switches. Untouched inputs follow the simulator's live values (polled); what the operator edits
 * stays until applied or discarded, and Apply sends only the fields that differ from the live values.
 */
export function FaultForm({ brokerId, live }: { brokerId: string; live: BrokerFaults }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<FaultDraft>({});
  const [reason, setReason] = useState("");
  const [showErrors, setShowErrors] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [applied, setApplied] = useState<Applied | null>(null);

  const setFaults = useMutation(
    trpc.admin.brokers.setFaults.mutationOptions({
      onSuccess: (faults) => {
        // The simulator's answer is the new state: show it at once rather than after the next poll.
        queryClient.setQueryData(trpc.admin.brokers.overview.queryKey(), (brokers) =>
          brokers?.map((broker) => (broker.brokerId === brokerId ? { ...broker, faults } : broker)),
        );
        setDraft({});
        setReason("");
        setShowErrors(false);
      },
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.brokers.pathFilter());
      },
    }),
  );

  const { change, errors } = readDraft(draft, live);
  const shownErrors = showErrors ? errors : {};
  const serverFields = fieldErrorsOf(setFaults.error);
  const refusedValues = serverFields.faults;
  const banner = bannerMessage(setFaults.error, ["reason", "faults"]);

  function edit(patch: FaultDraft) {
    setDraft((current) => ({ ...current, ...patch }));
    setApplied(null);
    setNotice(null);
  }

  function send(kind: Applied["kind"], faults: Partial<BrokerFaults>) {
    setApplied(null);
    setNotice(null);
    const text =
      kind === "clear" ? `All faults cleared on ${brokerId}.` : `Applied on ${brokerId}: ${describeFaults(faults)}.`;
    setFaults.mutate({ brokerId, faults, reason }, { onSuccess: () => setApplied({ kind, text }) });
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    setShowErrors(true);
    if (Object.keys(errors).length > 0) {
      setFaults.reset();
      setNotice("Nothing was sent: correct the values marked in red.");
      return;
    }
    if (Object.keys(change).length === 0) {
      setFaults.reset();
      setNotice("Nothing to apply: every field already matches the broker's live faults.");
      return;
    }
    send("change", change);
  }

  return (
    <form onSubmit={apply} className="space-y-3 p-3" noValidate data-testid="fault-form">
      <div className="grid grid-cols-2 gap-x-3 gap-y-2 sm:grid-cols-3">
        {DELAYS.map((field) => (
          <NumberInput
            key={field.key}
            brokerId={brokerId}
            field={field}
            unit="ms"
            live={live}
            draft={draft[field.key]}
            error={shownErrors[field.key]}
            onChange={(text) => edit({ [field.key]: text })}
          />
        ))}
        {RATES.map((field) => (
          <NumberInput
            key={field.key}
            brokerId={brokerId}
            field={field}
            unit="%"
            live={live}
            draft={draft[field.key]}
            error={shownErrors[field.key]}
            onChange={(text) => edit({ [field.key]: text })}
          />
        ))}
      </div>

      <div className="grid grid-cols-1 gap-x-3 gap-y-2 sm:grid-cols-2">
        {CAPACITIES.map((field) => (
          <NumberInput
            key={field.key}
            brokerId={brokerId}
            field={field}
            unit={field.unit}
            live={live}
            draft={draft[field.key]}
            error={shownErrors[field.key]}
            onChange={(text) => edit({ [field.key]: text })}
          />
        ))}
      </div>

      <div className="flex flex-wrap gap-x-5 gap-y-1">
        {SWITCHES.map((field) => {
          const on = draft[field.key] ?? live[field.key];
          const edited = on !== live[field.key];
          return (
            <label
              key={field.key}
              className="flex items-start gap-2 text-[13px]"
              htmlFor={`${brokerId}-${field.key}`}
              title={field.hint}
            >
              <input
                id={`${brokerId}-${field.key}`}
                type="checkbox"
                className="mt-[3px] size-3.5 shrink-0 accent-neutral-900"
                checked={on}
                onChange={(e) => edit({ [field.key]: e.target.checked })}
                data-field={field.key}
              />
              <span className={clsx(edited && "rounded bg-amber-50 px-1 ring-1 ring-amber-500")}>
                {field.label} <span className="text-[11px] text-neutral-500">{field.hint}</span>
              </span>
            </label>
          );
        })}
      </div>

      <div className="flex flex-wrap items-start gap-2 border-t border-neutral-100 pt-3">
        <div className="min-w-64 flex-1">
          <label className="label" htmlFor={`${brokerId}-reason`}>
            Reason (kept in the audit log)
          </label>
          <input
            id={`${brokerId}-reason`}
            className="input"
            autoComplete="off"
            placeholder="e.g. rehearsing a slow overseas link"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={serverFields.reason ? true : undefined}
            aria-describedby={`${brokerId}-reason-error`}
          />
          {serverFields.reason && (
            <p className="field-error" id={`${brokerId}-reason-error`} data-testid="error-reason">
              {serverFields.reason.join(" ")}
            </p>
          )}
        </div>
        <div className="flex gap-2 pt-[18px]">
          <button type="submit" className="btn btn-primary" disabled={setFaults.isPending}>
            {setFaults.isPending ? "Applying…" : "Apply"}
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            disabled={setFaults.isPending}
            onClick={() => send("clear", NO_FAULTS)}
          >
            Clear all faults
          </button>
          {Object.keys(draft).length > 0 && (
            <button
              type="button"
              className="btn btn-ghost"
              disabled={setFaults.isPending}
              onClick={() => {
                setDraft({});
                setShowErrors(false);
                setNotice(null);
                setFaults.reset();
              }}
            >
              Discard edits
            </button>
          )}
        </div>
      </div>

      {notice && (
        <Banner tone="error" onDismiss={() => setNotice(null)}>
          <span data-testid="faults-error">{notice}</span>
        </Banner>
      )}
      {(refusedValues || banner) && (
        <Banner tone="error" onDismiss={() => setFaults.reset()}>
          <span data-testid="faults-error">
            {refusedValues
              ? `The server refused these values: ${refusedValues.join(" ")}. Nothing was changed.`
              : banner}
          </span>
        </Banner>
      )}
      {applied && (
        <Banner tone="success" onDismiss={() => setApplied(null)}>
          <span data-testid="faults-success" data-kind={applied.kind}>
            {applied.text}
          </span>
        </Banner>
      )}
    </form>
  );
}
