"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterInputs } from "@trpc/server";
import { useState } from "react";
import type { AppRouter } from "@meridian/core/trpc";
import { money } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/uuid";
import { useTRPC } from "@/trpc/client";
import { rate, won } from "./fx-format";
import { QuoteCountdown } from "./quote-countdown";
import type { WonBuyPreview } from "./types";
import { useSecondsLeft } from "./use-seconds-left";

/** The buy on the ticket, as the won preview and the saga take it. */
export type WonBuyOrder = inferRouterInputs<AppRouter>["fx"]["previewBuyWithWon"];

const sameOrder = (a: WonBuyOrder, b: WonBuyOrder) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A buy paid in won, in two presses: Review asks the desk for a quote and shows what the order will cost in won;
 * Confirm starts the saga with that quote and that many won at most. A review is for one order: once the ticket
 * changes, it no longer shows, and Review asks again.
 */
export function useWonPayment(ticket: WonBuyOrder) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reviewedOrder, setReviewedOrder] = useState<WonBuyOrder | null>(null);
  const [startedSagaId, setStartedSagaId] = useState<string | null>(null);
  const preview = useMutation(trpc.fx.previewBuyWithWon.mutationOptions());
  const start = useMutation(
    trpc.fx.buyWithWon.mutationOptions({
      onSuccess: (saga) => {
        setStartedSagaId(saga.id);
        preview.reset();
        void queryClient.invalidateQueries(trpc.fx.sagas.pathFilter());
        void queryClient.invalidateQueries(trpc.account.summary.pathFilter());
      },
    }),
  );
  const current = reviewedOrder !== null && sameOrder(reviewedOrder, ticket);

  return {
    review: current ? preview.data : undefined,
    reviewing: preview.isPending,
    confirming: start.isPending,
    error: preview.error ?? start.error,
    startedSagaId,
    dismissStarted: () => setStartedSagaId(null),
    ask() {
      start.reset();
      setStartedSagaId(null);
      setReviewedOrder(ticket);
      preview.mutate(ticket);
    },
    confirm(review: WonBuyPreview) {
      start.mutate({
        order: ticket,
        quoteId: review.quote.quoteId,
        maxWon: review.maxWon,
        // A new key for each confirmation: a retried request is one saga, a second confirmation another.
        idempotencyKey: newIdempotencyKey(),
      });
    },
    discard() {
      preview.reset();
      start.reset();
    },
  };
}

/** What the person confirms: the rate, the dollars the order holds, the won charged for them, and the refund policy. */
export function WonPaymentReview({
  review,
  confirming,
  onConfirm,
  onDiscard,
}: {
  review: WonBuyPreview;
  confirming: boolean;
  onConfirm: () => void;
  onDiscard: () => void;
}) {
  const secondsLeft = useSecondsLeft(review.quote.expiresAt) ?? 0;
  return (
    <div className="space-y-2 rounded border border-sky-200 bg-sky-50 px-2 py-2 text-[12px]" data-testid="won-review">
      <dl className="num space-y-1">
        <div className="flex justify-between">
          <dt className="text-neutral-600">Rate (won per dollar)</dt>
          <dd data-testid="won-review-rate">{rate(review.rate)}</dd>
        </div>
        <div className="flex justify-between">
          <dt className="text-neutral-600">Dollars the order holds</dt>
          <dd data-testid="won-review-dollars">${money(review.dollarsNeeded)}</dd>
        </div>
        <div className="flex justify-between">
          <dt className="text-neutral-600">Won charged now</dt>
          <dd className="font-semibold" data-testid="won-review-won">
            {won(review.wonNeeded)}
          </dd>
        </div>
        {review.maxWon !== review.wonNeeded && (
          <div className="flex justify-between">
            <dt className="text-neutral-600">At most, if the price moves first</dt>
            <dd data-testid="won-review-max">{won(review.maxWon)}</dd>
          </div>
        )}
      </dl>
      <p className="leading-snug text-neutral-600" data-testid="won-review-policy">
        {review.policy}
      </p>
      <QuoteCountdown seconds={secondsLeft} again="Press Review again for a fresh rate." />
      <div className="grid grid-cols-[1fr_auto] gap-2">
        <button
          type="button"
          className="btn bg-emerald-600 text-white hover:bg-emerald-700"
          disabled={confirming || secondsLeft === 0}
          onClick={onConfirm}
        >
          {confirming ? "Starting…" : `Confirm and pay ${won(review.wonNeeded)}`}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDiscard} disabled={confirming}>
          Back
        </button>
      </div>
    </div>
  );
}
