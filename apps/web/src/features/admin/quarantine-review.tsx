import { dateTimeText } from "@/lib/format";
import type { DecisionText } from "./decision-queue/types";
import { ENTRY_NOUN } from "./quarantine-labels";
import type { QuarantineEntry } from "./router-types";

type Review = NonNullable<QuarantineEntry["review"]>;

export const REVIEW = [{ value: "REVIEW", label: "Review" }] as const;

/** Who reviewed an entry, when and why: the Review column of a reviewed entry. */
export function ReviewNote({ review }: { review: Review }) {
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

/** The reason form's words for reviewing one entry. */
export function reviewText(entry: QuarantineEntry): DecisionText {
  return {
    summary: (
      <>
        <span className="font-semibold">Mark reviewed</span> the {ENTRY_NOUN[entry.source]}{" "}
        <span className="font-mono text-[12px]">{entry.key}</span> ({entry.reasonCode}): say what it was and what was
        done about it. It leaves the Open list; nothing else changes.
      </>
    ),
    submitLabel: "Mark reviewed",
  };
}
