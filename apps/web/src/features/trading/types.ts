import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@meridian/core/trpc";

type Outputs = inferRouterOutputs<AppRouter>;
export type Quote = Outputs["market"]["quotes"][number];
export type AccountSummary = Outputs["account"]["summary"];
export type OrderView = Outputs["orders"]["list"][number];

/** What clicking a quote puts into the ticket; `nonce` makes a second click on the same row apply again. */
export type TicketPreset = { symbol: string; price: string; nonce: number };

/** How many orders the customer's table shows (newest first). */
export const ORDERS_LIMIT = 100;

export type FxRate = Outputs["fx"]["rate"];
export type ExchangePreview = Outputs["fx"]["previewExchange"];
export type WonBuyPreview = Outputs["fx"]["previewBuyWithWon"];
export type FxSaga = Outputs["fx"]["sagas"][number];
export type Currency = ExchangePreview["sell"];
