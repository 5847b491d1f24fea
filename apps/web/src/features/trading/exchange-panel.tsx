"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Banner } from "@/components/banner";
import { bannerMessage, fieldErrorsOf } from "@/lib/errors";
import { newIdempotencyKey } from "@/lib/uuid";
import { useTRPC } from "@/trpc/client";
import { FieldError } from "./field-error";
import { amountIn, rate } from "./fx-format";
import { QuoteCountdown } from "./quote-countdown";
import { StartedSaga } from "./started-saga";
import { Toggle } from "./toggle";
import type { Currency, ExchangePreview } from "./types";
import { useSecondsLeft } from "./use-seconds-left";

const EXCHANGE_FIELDS = ["amount"] as const;

/** Won ↔ dollars at the FX desk: get a rate the desk holds for you, then exchange at it. */
export function ExchangePanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sell, setSell] = useState<Currency>("KRW");
  const [amount, setAmount] = useState("");
  const [startedSagaId, setStartedSagaId] = useState<string | null>(null);

  const preview = useMutation(trpc.fx.previewExchange.mutationOptions());
  const exchange = useMutation(
    trpc.fx.exchange.mutationOptions({
      onSuccess: (saga) => {
        setStartedSagaId(saga.id);
        preview.reset();
        setAmount("");
        void queryClient.invalidateQueries(trpc.fx.sagas.pathFilter());
        void queryClient.invalidateQueries(trpc.account.summary.pathFilter());
      },
    }),
  );
  const quote = preview.data;
  const secondsLeft = useSecondsLeft(quote?.quote.expiresAt);

  // A rate is for one direction and amount: changing either asks for a new one.
  function edit(change: () => void) {
    change();
    preview.reset();
    exchange.reset();
  }

  function getRate(event: FormEvent) {
    event.preventDefault();
    exchange.reset();
    preview.mutate({ sell, amount: amount.trim() });
  }

  function confirm(confirmed: ExchangePreview) {
    exchange.mutate({
      sell: confirmed.sell,
      amount: confirmed.sellAmount,
      quoteId: confirmed.quote.quoteId,
      // A new key for each confirmation: a retried request is one exchange, a second confirmation another.
      idempotencyKey: newIdempotencyKey(),
    });
  }

  const fieldErrors = fieldErrorsOf(preview.error ?? exchange.error);
  const banner = bannerMessage(preview.error ?? exchange.error, EXCHANGE_FIELDS);
  const unit = sell === "KRW" ? "KRW" : "USD";

  return (
    <section className="panel" aria-label="Exchange">
      <div className="panel-title">Exchange won and dollars</div>
      <form onSubmit={getRate} className="space-y-3 p-3" noValidate>
        <Toggle
          name="Exchange direction"
          value={sell}
          onChange={(next) => edit(() => setSell(next))}
          options={[
            { value: "KRW", label: "Won → dollars", active: "bg-neutral-800 text-white" },
            { value: "USD", label: "Dollars → won", active: "bg-neutral-800 text-white" },
          ]}
        />
        <div>
          <label className="label" htmlFor="exchange-amount">
            Amount to exchange ({unit})
          </label>
          <div className="flex gap-2">
            <input
              id="exchange-amount"
              className="input num text-right"
              inputMode="decimal"
              autoComplete="off"
              placeholder={sell === "KRW" ? "1000000" : "500.00"}
              value={amount}
              onChange={(e) => edit(() => setAmount(e.target.value))}
              aria-invalid={fieldErrors.amount ? true : undefined}
              aria-describedby="error-exchange-amount"
            />
            <button type="submit" className="btn btn-ghost shrink-0" disabled={preview.isPending}>
              {preview.isPending ? "Asking…" : "Get rate"}
            </button>
          </div>
          <FieldError messages={fieldErrors.amount} id="error-exchange-amount" />
        </div>

        {quote && secondsLeft !== null && (
          <ExchangeQuote
            quote={quote}
            secondsLeft={secondsLeft}
            pending={exchange.isPending}
            onConfirm={() => confirm(quote)}
          />
        )}
        {banner && (
          <Banner
            tone="error"
            onDismiss={() => {
              preview.reset();
              exchange.reset();
            }}
          >
            <span data-testid="exchange-error">{banner}</span>
          </Banner>
        )}
        {startedSagaId && <StartedSaga sagaId={startedSagaId} onDismiss={() => setStartedSagaId(null)} />}
      </form>
    </section>
  );
}

function ExchangeQuote({
  quote,
  secondsLeft,
  pending,
  onConfirm,
}: {
  quote: ExchangePreview;
  secondsLeft: number;
  pending: boolean;
  onConfirm: () => void;
}) {
  return (
    <div className="space-y-2 rounded bg-neutral-50 px-2 py-2 text-[12px]" data-testid="exchange-quote">
      <dl className="num space-y-1">
        <div className="flex justify-between">
          <dt className="text-neutral-500">Rate (won per dollar)</dt>
          <dd data-testid="exchange-rate">{rate(quote.rate)}</dd>
        </div>
        <div className="flex justify-between">
          <dt className="text-neutral-500">You pay</dt>
          <dd data-testid="exchange-pay">{amountIn(quote.sell, quote.sellAmount)}</dd>
        </div>
        <div className="flex justify-between">
          <dt className="text-neutral-500">You receive</dt>
          <dd className="font-semibold" data-testid="exchange-receive">
            {amountIn(quote.buy as Currency, quote.buyAmount)}
          </dd>
        </div>
      </dl>
      <QuoteCountdown seconds={secondsLeft} again="Press Get rate for a new one." />
      <button
        type="button"
        className="btn btn-primary w-full"
        disabled={pending || secondsLeft === 0}
        onClick={onConfirm}
      >
        {pending ? "Exchanging…" : `Exchange ${amountIn(quote.sell, quote.sellAmount)}`}
      </button>
    </div>
  );
}
