// What the customer is told before confirming a buy paid in won, and what the saga then does: one text, shown on the
// ticket and followed by the compensation in buyWithWon.ts.
export const WON_PAYMENT_POLICY =
  "We exchange the won for the dollars this order holds, at the rate shown. If the order is rejected, cancelled or " +
  "expires with nothing bought, the exchange is reversed at the same rate and all your won comes back. If only part " +
  "of it is bought, the dollars not spent are exchanged back to won at the FX desk's rate at that moment. If it fills " +
  "below the price held, the change stays in your dollar balance. A market order may need up to 0.5% more won if the " +
  "price moves before it is placed; it is never charged more than the maximum shown.";

/** How much more won than the preview a market buy paid in won may take: the ask can move before the order is placed. */
export const MARKET_WON_TOLERANCE = "0.005";

/** A quote with less than this left is not used: the desk could see it expire while our request is on the way. */
export const QUOTE_MARGIN_MS = 2_000;
