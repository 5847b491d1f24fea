import { dec, toCents, type Decimal } from "./money";

/** Commission on each execution's notional, rounded to the cent (0.1%, as Korean brokers charge on US stocks). */
export const COMMISSION_RATE = dec(process.env.COMMISSION_RATE ?? "0.001");

export function commissionOn(notional: Decimal): Decimal {
  return toCents(notional.times(COMMISSION_RATE));
}

/** A market buy reserves cash at the ask plus this collar, so a price that moves before the fill is still covered. */
export const MARKET_BUY_COLLAR = dec("0.05");
