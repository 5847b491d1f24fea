"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { useEffect, useState, type FormEvent } from "react";
import { Banner } from "@/components/banner";
import { MonoId } from "@/components/mono-id";
import { ACCOUNT_SUMMARY_REFRESH_MS } from "@/features/live/refresh";
import { formatFixed, formatQuantity, isDecimal, multiply } from "@/lib/decimal";
import { bannerMessage, fieldErrorsOf } from "@/lib/errors";
import { money, quantity as formatQty } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/uuid";
import { useTRPC } from "@/trpc/client";
import { FieldError } from "./field-error";
import { won } from "./fx-format";
import { StartedSaga } from "./started-saga";
import { Toggle } from "./toggle";
import type { OrderView, TicketPreset } from "./types";
import { useWonPayment, WonPaymentReview, type WonBuyOrder } from "./won-payment";

/** Fields the ticket shows errors beside; errors about anything else go to the banner. */
/** How often the ticket asks whether its symbol is open for entry. */
const ENTRY_REFRESH_MS = 2000;
const TICKET_FIELDS = ["symbol", "quantity", "limitPrice", "payFeeWithPoints"] as const;

/** "0.001" → "0.1%": a configured rate as the fine print names it. */
function percentOf(rate: string | undefined): string {
  const hundredths = rate ? multiply(rate, "100") : null;
  return hundredths ? `${formatQuantity(hundredths)}%` : "—";
}

type Side = "BUY" | "SELL";
type Kind = "MARKET" | "LIMIT";

export function OrderTicket({ preset }: { preset: TicketPreset | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const quotes = useQuery({ ...trpc.market.quotes.queryOptions(), refetchInterval: 1000 });
  const summary = useQuery({ ...trpc.account.summary.queryOptions(), refetchInterval: ACCOUNT_SUMMARY_REFRESH_MS });
  // The rate the server charges (COMMISSION_RATE), so the estimate and the charge never disagree; fixed while it runs.
  const settings = useQuery({ ...trpc.market.ticketSettings.queryOptions(), staleTime: Infinity });
  // The entry circuit, live: a symbol whose brokers are all unavailable (or the whole market without quotes) pauses
  // here within seconds and reopens the same way; the server refuses such an order regardless.
  const entry = useQuery({ ...trpc.market.entry.queryOptions(), refetchInterval: ENTRY_REFRESH_MS });
  const commissionRate = settings.data?.commissionRate;

  const [symbol, setSymbol] = useState(preset?.symbol ?? "");
  const [side, setSide] = useState<Side>("BUY");
  const [type, setType] = useState<Kind>("MARKET");
  const [quantity, setQuantity] = useState("");
  const [limitPrice, setLimitPrice] = useState("");
  const [payFeeWithPoints, setPayFeeWithPoints] = useState(false);
  const [payWithWon, setPayWithWon] = useState(false);
  const [placed, setPlaced] = useState<OrderView | null>(null);

  // A click on a quote fills the ticket; the nonce lets the same row be applied twice.
  useEffect(() => {
    if (!preset) return;
    setSymbol(preset.symbol);
    setLimitPrice(preset.price);
  }, [preset]);

  // Default to the first quoted symbol once quotes arrive.
  const firstSymbol = quotes.data?.[0]?.symbol;
  useEffect(() => {
    if (!symbol && firstSymbol) setSymbol(firstSymbol);
  }, [symbol, firstSymbol]);

  const place = useMutation(
    trpc.orders.place.mutationOptions({
      onSuccess: (order) => {
        setPlaced(order);
        setQuantity("");
        void queryClient.invalidateQueries(trpc.orders.pathFilter());
        void queryClient.invalidateQueries(trpc.account.pathFilter());
      },
    }),
  );

  // Only a buy is paid in won: a sale pays out dollars.
  const paysInWon = payWithWon && side === "BUY";
  const wonOrder: WonBuyOrder = {
    symbol,
    side: "BUY",
    type,
    quantity: quantity.trim(),
    limitPrice: type === "LIMIT" && limitPrice.trim() ? limitPrice.trim() : undefined,
    payFeeWithPoints,
  };
  const wonPayment = useWonPayment(wonOrder);

  function submit(event: FormEvent) {
    event.preventDefault();
    setPlaced(null);
    place.reset();
    if (paysInWon) return wonPayment.ask();
    wonPayment.discard();
    place.mutate({
      symbol,
      side,
      type,
      quantity: quantity.trim(),
      // An empty box is "no price", so the server answers "a limit order needs a limit price", not "not a number".
      limitPrice: type === "LIMIT" && limitPrice.trim() ? limitPrice.trim() : undefined,
      payFeeWithPoints,
      // A new key for each press of the button: a retried request of the same press is one order, a second press
      // another.
      idempotencyKey: newIdempotencyKey(),
    });
  }

  const quote = quotes.data?.find((q) => q.symbol === symbol);
  const referencePrice = type === "LIMIT" ? limitPrice.trim() : side === "BUY" ? quote?.ask : quote?.bid;
  const estimate =
    referencePrice && isDecimal(referencePrice) && isDecimal(quantity)
      ? multiply(quantity.trim(), referencePrice)
      : null;
  const holding = summary.data?.positions.find((p) => p.symbol === symbol);
  // Display only: the server prices the commission (rounded up to the cent) and holds its points.
  const commission = estimate && commissionRate ? multiply(estimate, commissionRate) : null;
  const commissionPoints = commission ? multiply(commission, "100") : null;

  const symbolEntry = entry.data?.symbols.find((candidate) => candidate.symbol === symbol);
  const paused =
    entry.data?.market.open === false
      ? entry.data.market.message
      : symbolEntry?.open === false
        ? symbolEntry.message
        : null;
  const ticketError = place.error ?? wonPayment.error;
  const fieldErrors = fieldErrorsOf(ticketError);
  const banner = bannerMessage(ticketError, TICKET_FIELDS);

  const submitLabel = place.isPending
    ? "Placing…"
    : wonPayment.reviewing
      ? "Getting a rate…"
      : paused
        ? `${symbol} paused`
        : paysInWon
          ? `Review ${symbol} in won`
          : `${side === "BUY" ? "Buy" : "Sell"} ${symbol}`;

  return (
    <section className="panel" aria-label="Order ticket">
      <div className="panel-title">Order ticket</div>
      <form onSubmit={submit} className="space-y-3 p-3" noValidate>
        <Toggle
          name="Side"
          value={side}
          onChange={setSide}
          options={[
            { value: "BUY", label: "Buy", active: "bg-emerald-600 text-white" },
            { value: "SELL", label: "Sell", active: "bg-rose-600 text-white" },
          ]}
        />
        <div>
          <label className="label" htmlFor="ticket-symbol">
            Symbol
          </label>
          <select
            id="ticket-symbol"
            className="input"
            value={symbol}
            onChange={(e) => setSymbol(e.target.value)}
            aria-invalid={fieldErrors.symbol ? true : undefined}
          >
            {!quotes.data?.some((q) => q.symbol === symbol) && (
              <option value={symbol}>{symbol || "Choose a symbol"}</option>
            )}
            {quotes.data?.map((q) => (
              <option key={q.symbol} value={q.symbol}>
                {q.symbol} — {q.name}
              </option>
            ))}
          </select>
          <FieldError messages={fieldErrors.symbol} id="error-symbol" />
        </div>
        <Toggle
          name="Order type"
          value={type}
          onChange={setType}
          options={[
            { value: "MARKET", label: "Market", active: "bg-neutral-800 text-white" },
            { value: "LIMIT", label: "Limit", active: "bg-neutral-800 text-white" },
          ]}
        />
        <div className="grid grid-cols-2 gap-2">
          <div className={clsx(type === "MARKET" && "col-span-2")}>
            <label className="label" htmlFor="ticket-quantity">
              Quantity (shares)
            </label>
            <input
              id="ticket-quantity"
              className="input num text-right"
              inputMode="numeric"
              autoComplete="off"
              placeholder="0"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              aria-invalid={fieldErrors.quantity ? true : undefined}
              aria-describedby="error-quantity"
            />
            <FieldError messages={fieldErrors.quantity} id="error-quantity" />
          </div>
          {type === "LIMIT" && (
            <div>
              <label className="label" htmlFor="ticket-limit">
                Limit price (USD)
              </label>
              <input
                id="ticket-limit"
                className="input num text-right"
                inputMode="decimal"
                autoComplete="off"
                placeholder="0.00"
                value={limitPrice}
                onChange={(e) => setLimitPrice(e.target.value)}
                aria-invalid={fieldErrors.limitPrice ? true : undefined}
                aria-describedby="error-limitPrice"
              />
              <FieldError messages={fieldErrors.limitPrice} id="error-limitPrice" />
            </div>
          )}
        </div>

        <div>
          <label className="flex items-start gap-2 text-[13px]" htmlFor="ticket-points">
            <input
              id="ticket-points"
              type="checkbox"
              className="mt-[3px] size-3.5 shrink-0 accent-neutral-900"
              checked={payFeeWithPoints}
              onChange={(e) => setPayFeeWithPoints(e.target.checked)}
              aria-invalid={fieldErrors.payFeeWithPoints ? true : undefined}
              aria-describedby="error-payFeeWithPoints"
            />
            <span>
              Pay commission with points{" "}
              <span className="num text-neutral-500">
                ({summary.data?.points ? formatQty(summary.data.points.available) : "—"} available)
              </span>
            </span>
          </label>
          <FieldError messages={fieldErrors.payFeeWithPoints} id="error-payFeeWithPoints" />
          {side === "BUY" && (
            <label className="mt-1.5 flex items-start gap-2 text-[13px]" htmlFor="ticket-won">
              <input
                id="ticket-won"
                type="checkbox"
                className="mt-[3px] size-3.5 shrink-0 accent-neutral-900"
                checked={payWithWon}
                onChange={(e) => setPayWithWon(e.target.checked)}
              />
              <span>
                Pay with won (KRW){" "}
                <span className="num text-neutral-500">({won(summary.data?.won.available)} available)</span>
              </span>
            </label>
          )}
        </div>

        <dl className="num space-y-1 rounded bg-neutral-50 px-2 py-2 text-[12px]">
          <div className="flex justify-between">
            <dt className="text-neutral-500">{type === "LIMIT" ? "Limit" : side === "BUY" ? "Ask" : "Bid"}</dt>
            <dd>{referencePrice ? money(referencePrice) : "—"}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-neutral-500">Estimated {side === "BUY" ? "cost" : "proceeds"}</dt>
            <dd className="font-semibold" data-testid="ticket-estimate">
              {estimate ? `$${money(estimate)}` : "—"}
            </dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-neutral-500">Commission (est.)</dt>
            <dd data-testid="ticket-commission">
              {commission
                ? payFeeWithPoints
                  ? `${formatFixed(commissionPoints!, 0)} points`
                  : `$${money(commission)}`
                : "—"}
            </dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-neutral-500">
              {paysInWon ? "Won available" : side === "BUY" ? "Cash available" : `${symbol || "Shares"} you hold`}
            </dt>
            <dd>
              {paysInWon
                ? won(summary.data?.won.available)
                : side === "BUY"
                  ? `$${money(summary.data?.cash.available)}`
                  : formatQty(holding?.quantity ?? "0")}
            </dd>
          </div>
          <p className="pt-1 text-[11px] leading-snug text-neutral-500">
            A {percentOf(commissionRate)} commission is charged on each fill; paid with points, 1 point pays 1 cent.
            Market buys hold {percentOf(settings.data?.marketBuyCollar)} extra cash until they fill.
          </p>
        </dl>

        {paused && (
          <Banner tone="info">
            <span data-testid="ticket-paused">{paused}</span>
          </Banner>
        )}
        {paysInWon && wonPayment.review && (
          <WonPaymentReview
            review={wonPayment.review}
            confirming={wonPayment.confirming}
            onConfirm={() => wonPayment.confirm(wonPayment.review!)}
            onDiscard={wonPayment.discard}
          />
        )}
        {wonPayment.startedSagaId && (
          <StartedSaga sagaId={wonPayment.startedSagaId} onDismiss={wonPayment.dismissStarted} />
        )}
        {banner && (
          <Banner
            tone="error"
            onDismiss={() => {
              place.reset();
              wonPayment.discard();
            }}
          >
            <span data-testid="ticket-error">{banner}</span>
          </Banner>
        )}
        {placed && (
          <Banner tone="success" onDismiss={() => setPlaced(null)}>
            <span data-testid="ticket-success" data-order-id={placed.id}>
              Order <MonoId id={placed.id} /> placed: {placed.side === "BUY" ? "buy" : "sell"}{" "}
              {formatQty(placed.quantity)} {placed.symbol}{" "}
              {placed.type === "LIMIT" ? `at ${money(placed.limitPrice)}` : "at market"}. Follow it in Orders.
            </span>
          </Banner>
        )}

        {!(paysInWon && wonPayment.review) && (
          <button
            type="submit"
            disabled={place.isPending || wonPayment.reviewing || !symbol || paused !== null}
            className={clsx(
              "btn w-full text-white",
              side === "BUY" ? "bg-emerald-600 hover:bg-emerald-700" : "bg-rose-600 hover:bg-rose-700",
            )}
          >
            {submitLabel}
          </button>
        )}
      </form>
    </section>
  );
}
