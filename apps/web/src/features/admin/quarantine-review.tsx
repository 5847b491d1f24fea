"use client";

import { dateTimeText } from "@/lib/format";
import { ENTRY_NOUN } from "./quarantine-labels";
import { DecisionButtons, ReasonForm } from "./reason-form";
import type { QuarantineEntry } from "./router-types";

type Review = NonNullable<QuarantineEntry["review"]>;

/** What the Review column needs from the page: whose form is open, and how to open one. */
export type ReviewActions = { openKey: string | null; onOpen: (key: string) => void };

const REVIEW = [{ value: "REVIEW", label: "Review" }] as const;

/** An open entry's Review button, or who reviewed the entry, when and why. */
export function ReviewCell({ entry, actions }: { entry: QuarantineEntry; actions: ReviewActions }) {
  if (entry.review) return <ReviewNote review={entry.review} />;
  return (
    <DecisionButtons
      options={REVIEW}
      open={actions.openKey === entry.key ? "REVIEW" : null}
      onOpen={() => actions.onOpen(entry.key)}
    />
  );
}

function ReviewNote({ review }: { review: Review }) {
  return (
    <div className="w-60 text-[12px] whitespace-normal" data-testid="quarantine-review">
      <div className="text-neutral-500">
        <span className="font-medium text-neutral-800" title={review.byName} data-testid="reviewed-by">
          {review.byEmail}
        </span>{" "}
        · {dateTimeText(review.at)}
      </div>
      <div className="text-neutral-700" data-testid="review-reason">
        {review.reason}
      </div>
    </div>
  );
}

/** The reason form opened under an open entry's row. */
export function ReviewForm({
  entry,
  pending,
  error,
  onSubmit,
  onClose,
}: {
  entry: QuarantineEntry;
  pending: boolean;
  error: unknown;
  onSubmit: (reason: string) => void;
  onClose: () => void;
}) {
  return (
    <ReasonForm
      id={entry.key}
      testId="review-form"
      action="REVIEW"
      summary={
        <>
          <span className="font-semibold">Mark reviewed</span> the {ENTRY_NOUN[entry.source]}{" "}
          <span className="font-mono text-[12px]">{entry.key}</span> ({entry.reasonCode}): say what it was and what was
          done about it. It leaves the Open list; nothing else changes.
        </>
      }
      submitLabel="Mark reviewed"
      placeholder="e.g. forged call from an unknown IP, reported to security"
      pending={pending}
      error={error}
      onSubmit={onSubmit}
      onClose={onClose}
    />
  );
}
