"use client";

import { useState } from "react";
import { ExchangePanel } from "./exchange-panel";
import { OrderTicket } from "./order-ticket";
import { OrdersPanel } from "./orders-panel";
import { PortfolioPanel } from "./portfolio-panel";
import { QuotesPanel } from "./quotes-panel";
import { SagasPanel } from "./sagas-panel";
import type { TicketPreset } from "./types";

export function TradingScreen() {
  const [preset, setPreset] = useState<TicketPreset | null>(null);
  return (
    <main className="grid min-h-0 flex-1 grid-cols-1 gap-2 p-2 lg:grid-cols-[380px_minmax(0,1fr)_300px]">
      <QuotesPanel
        selected={preset?.symbol ?? null}
        onPick={(q) => setPreset({ symbol: q.symbol, price: q.last, nonce: Date.now() })}
      />
      <div className="flex min-h-0 min-w-0 flex-col gap-2">
        <PortfolioPanel />
        <OrdersPanel />
      </div>
      {/* The ticket first; exchanging and following won payments below it, scrolling on short screens. */}
      <div className="flex min-h-0 min-w-0 flex-col gap-2 overflow-auto">
        <OrderTicket preset={preset} />
        <ExchangePanel />
        <SagasPanel />
      </div>
    </main>
  );
}
