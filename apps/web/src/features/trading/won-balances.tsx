"use client";

import { timeText } from "@/lib/format";
import { Figure } from "./figure";
import { rate, won } from "./fx-format";
import type { AccountSummary } from "./types";

/** The won side of the account: won balances, the desk's USD/KRW rate now, and everything valued in won. */
export function WonBalances({ summary }: { summary: AccountSummary | undefined }) {
  // The rate comes with the summary, so the rate shown is the one the total in won was valued at. No rate (desk down)
  // shows as "—".
  const quote = summary?.usdKrw ?? null;
  return (
    <div
      className="grid grid-cols-4 divide-x divide-neutral-100 border-b border-neutral-200"
      data-testid="won-balances"
    >
      <Figure label="Available (KRW)" value={won(summary?.won.available)} testId="won-available" emphasis />
      <Figure
        label="Won held"
        value={won(summary?.won.held)}
        testId="won-held"
        title="Won on its way to dollars at the FX desk"
      />
      <Figure
        label="USD/KRW"
        value={rate(quote?.mid)}
        testId="usdkrw-mid"
        title={
          quote
            ? `Mid rate at ${timeText(quote.at)}: the desk buys dollars at the bid and sells them at the ask`
            : "The FX desk is not answering; the rate shows again when it does"
        }
        detail={quote ? `bid ${rate(quote.bid)} / ask ${rate(quote.ask)}` : "no rate right now"}
      />
      <Figure
        label="Total in won"
        value={won(summary?.equityInWon)}
        testId="equity-in-won"
        title="Your won plus your dollars and shares valued at the USD/KRW bid"
      />
    </div>
  );
}
