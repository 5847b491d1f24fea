"use client";

import clsx from "clsx";
import { useState, type FormEvent, type ReactNode } from "react";
import { Banner } from "@/components/banner";
import { bannerMessage, fieldErrorsOf } from "@/lib/errors";

/**
 * An operator's decision on one row, opened under it: what the decision does, a required reason (kept in the audit
 * log) and the server's answer. The server checks the reason; its message shows beside the input, anything else in a
 * banner, and the reason typed stays so the operator can correct it.
 */
export function ReasonForm({
  id,
  testId,
  action,
  summary,
  submitLabel,
  destructive,
  placeholder,
  pending,
  blocked,
  error,
  onSubmit,
  onClose,
}: {
  /** Unique on the page: names the reason input. */
  id: string;
  testId: string;
  /** The decision, as `data-action` for tests and styles. */
  action: string;
  summary: ReactNode;
  submitLabel: string;
  destructive?: boolean;
  placeholder: string;
  pending: boolean;
  /** Not ready to submit yet (e.g. its preview is loading); the summary says why. */
  blocked?: boolean;
  error: unknown;
  onSubmit: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState("");
  const fieldErrors = fieldErrorsOf(error);
  const banner = bannerMessage(error, ["reason"]);
  const inputId = `reason-${id}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(reason);
  }

  return (
    <form
      onSubmit={submit}
      className="space-y-2 bg-neutral-50 px-2 py-2"
      noValidate
      data-testid={testId}
      data-action={action}
    >
      <div className="text-[12.5px]">{summary}</div>
      <div className="flex items-start gap-2">
        <div className="w-[28rem]">
          <label className="label" htmlFor={inputId}>
            Reason (kept in the audit log)
          </label>
          <input
            id={inputId}
            className="input"
            autoComplete="off"
            placeholder={placeholder}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={fieldErrors.reason ? true : undefined}
            aria-describedby={`${inputId}-error`}
            autoFocus
          />
          {fieldErrors.reason && (
            <p className="field-error" id={`${inputId}-error`} data-testid="error-reason">
              {fieldErrors.reason.join(" ")}
            </p>
          )}
        </div>
        <div className="flex gap-2 pt-[18px]">
          <button
            type="submit"
            disabled={pending || blocked}
            className={clsx(
              "btn text-white",
              destructive ? "bg-rose-600 hover:bg-rose-700" : "bg-neutral-900 hover:bg-neutral-700",
            )}
          >
            {pending ? "Saving…" : submitLabel}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={pending}>
            Close
          </button>
        </div>
      </div>
      {banner && (
        <Banner tone="error">
          <span data-testid={`${testId}-error`}>{banner}</span>
        </Banner>
      )}
    </form>
  );
}

/** The row buttons that open a ReasonForm; the open one is pressed. */
export function DecisionButtons<T extends string>({
  options,
  open,
  onOpen,
}: {
  options: readonly { value: T; label: string }[];
  open: T | null;
  onOpen: (value: T) => void;
}) {
  return (
    <span className="inline-flex gap-1">
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={open === option.value}
          onClick={() => onOpen(option.value)}
          className={clsx(
            "rounded border px-2 py-0.5 text-[12px] whitespace-nowrap",
            open === option.value
              ? "border-neutral-900 bg-neutral-900 text-white"
              : "border-neutral-300 hover:bg-neutral-100",
          )}
        >
          {option.label}
        </button>
      ))}
    </span>
  );
}
