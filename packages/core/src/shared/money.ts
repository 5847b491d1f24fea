// Money and quantities are Prisma Decimals (decimal.js) end to end; over the wire they are strings.
import { Prisma } from "@meridian/db";

export const Decimal = Prisma.Decimal;
export type Decimal = Prisma.Decimal;
export type DecimalLike = Prisma.Decimal | string | number;

export const ZERO = new Prisma.Decimal(0);

export function dec(value: DecimalLike): Decimal {
  return new Prisma.Decimal(value);
}

/** Cents, rounding half up: what the customer pays or receives. */
export function toCents(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Prisma.Decimal.ROUND_HALF_UP);
}

/** Cents, rounding up: reservations must never be short. */
export function toCentsUp(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Prisma.Decimal.ROUND_UP);
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}

/** "1234.5" → "1234.50"; quantities keep no trailing zeros ("3"). */
export function money(value: Decimal): string {
  return value.toFixed(2);
}
export function qty(value: Decimal): string {
  return value.toDecimalPlaces(6).toString();
}
export function price(value: Decimal | null): string | null {
  return value === null ? null : value.toDecimalPlaces(4).toFixed(Math.max(2, value.decimalPlaces() > 2 ? 4 : 2));
}

/** ₩1,380,000 (won have no minor unit) or $1,000.00, as the customer reads an amount. */
export function amountText(currency: "KRW" | "USD", amount: DecimalLike): string {
  const [whole, fraction] = dec(amount)
    .toFixed(currency === "KRW" ? 0 : 2, Prisma.Decimal.ROUND_DOWN)
    .split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return currency === "KRW" ? `₩${grouped}` : `$${grouped}.${fraction}`;
}
