import { dec, toCents, toCentsUp, type Decimal, type DecimalLike } from "./money";

/**
 * Commission on each execution's notional at `rate` (COMMISSION_RATE, services.config.fees; 0.1% by default, as
 * Korean brokers charge on US stocks), rounded to the cent.
 */
export function commissionOn(notional: Decimal, rate: DecimalLike): Decimal {
  return toCents(notional.times(rate));
}

/** The most that rounding one fill's commission half up adds to it. */
const HALF_CENT = dec("0.005");

/**
 * The most commission a buy of `quantity` shares can be charged in all, filled at no more than `unitPrice`: what its
 * hold must cover, in cash or in points. Each fill is charged commissionOn(its notional), rounded half up, so a fill
 * pays at most rate × its notional + ½ cent. Over k fills the sum is at most rate × Σ notional + k × ½ cent, and
 * Σ notional ≤ quantity × unitPrice (no fill above the price held). A fill is at least one whole share, so k ≤ quantity
 * (rounded up): rate × quantity × unitPrice + quantity × ½ cent bounds every split. Rounding that up to the cent keeps
 * it a bound. (A broker that filled in fractions of a share could exceed it; that shortfall becomes a visible debit.)
 */
export function commissionHoldFor(quantity: Decimal, unitPrice: Decimal, rate: DecimalLike): Decimal {
  const mostFills = quantity.ceil();
  return toCentsUp(quantity.times(unitPrice).times(rate).plus(mostFills.times(HALF_CENT)));
}

/** A market buy reserves cash at the ask plus this collar, so a price that moves before the fill is still covered. */
export const MARKET_BUY_COLLAR = dec("0.05");
