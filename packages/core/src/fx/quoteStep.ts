// The saga's first step for every conversion: the rate the customer confirmed, read back from the desk (never taken
// from the browser), still valid long enough to be used.
import { FxDeskRefusal, type FxQuote } from "../fxdesk/port";
import type { CoreServices } from "../services";
import { StepFailed } from "../saga/definition";
import { QUOTE_MARGIN_MS } from "./policy";

const EXPIRED =
  "The rate you confirmed expired before it could be used; nothing was exchanged. Get a new rate and confirm again.";

export async function lockQuote(services: CoreServices, quoteId: string): Promise<FxQuote> {
  const quote = await services.fxDesk.getQuote(quoteId).catch((error: unknown) => {
    if (error instanceof FxDeskRefusal) throw new StepFailed(EXPIRED);
    throw error;
  });
  if (Date.parse(quote.expiresAt) - Date.now() < QUOTE_MARGIN_MS) throw new StepFailed(EXPIRED);
  return quote;
}
