"use client";

import { amountIn } from "./fx-format";
import { dateTimeText, quantity, timeText } from "@/lib/format";
import { SagaProgress } from "./saga-progress";
import type { Currency, FxSaga } from "./types";
import { useFxSagas } from "./use-fx-sagas";

type ExchangeInput = { sell?: Currency; amount?: string };
type WonBuyInput = { order?: { symbol?: string; quantity?: string; type?: string; limitPrice?: string | null } };

/** "Exchange ₩1,000,000 to dollars" or "Buy 3 AAPL at market, paid in won". */
export function sagaTitle(saga: Pick<FxSaga, "type" | "input">): string {
  if (saga.type === "EXCHANGE") {
    const { sell, amount } = (saga.input ?? {}) as ExchangeInput;
    if (!sell || !amount) return "Exchange";
    return `Exchange ${amountIn(sell, amount)} to ${sell === "KRW" ? "dollars" : "won"}`;
  }
  const order = ((saga.input ?? {}) as WonBuyInput).order;
  if (!order?.symbol) return "Buy paid in won";
  const at = order.type === "LIMIT" && order.limitPrice ? `at $${order.limitPrice}` : "at market";
  return `Buy ${quantity(order.quantity ?? "")} ${order.symbol} ${at}, paid in won`;
}

function SagaItem({ saga }: { saga: FxSaga }) {
  return (
    <li className="space-y-1 px-3 py-2" data-saga-id={saga.id} data-status={saga.status} data-type={saga.type}>
      <div className="flex items-baseline justify-between gap-2">
        <span className="font-medium" data-testid="saga-title">
          {sagaTitle(saga)}
        </span>
        <span className="num shrink-0 text-[11px] text-neutral-500" title={dateTimeText(saga.createdAt)}>
          {timeText(saga.createdAt)}
        </span>
      </div>
      <SagaProgress saga={saga} />
      {saga.outcome && (
        <p className="text-[12px] leading-snug text-neutral-600" data-testid="saga-outcome">
          {saga.outcome}
        </p>
      )}
    </li>
  );
}

/** The customer's exchanges and buys paid in won, newest first, each with where it stands and how it ended. */
export function SagasPanel() {
  const sagas = useFxSagas();
  return (
    <section className="panel" aria-label="Exchanges and won payments">
      <div className="panel-title">
        <span>Exchanges and won payments</span>
        {sagas.isError && (
          <span className="normal-case tracking-normal text-rose-700">May be out of date, retrying…</span>
        )}
      </div>
      <ul className="max-h-72 divide-y divide-neutral-100 overflow-auto" data-testid="fx-sagas">
        {sagas.data?.map((saga) => (
          <SagaItem key={saga.id} saga={saga} />
        ))}
        {sagas.isPending && <li className="px-3 py-2 text-neutral-500">Loading…</li>}
        {sagas.data?.length === 0 && (
          <li className="px-3 py-2 text-neutral-500">
            None yet. Exchange won and dollars above, or tick “Pay with won” on a buy.
          </li>
        )}
      </ul>
    </section>
  );
}
