import { formatFixed, formatQuantity, sign } from "./decimal";

export const money = (value: string | null | undefined) => (value == null ? "—" : formatFixed(value, 2));
export const price = (value: string | null | undefined) => (value == null ? "—" : formatFixed(value, 2));
export const quantity = (value: string | null | undefined) => (value == null ? "—" : formatQuantity(value));

/** "+1.23%" / "-0.40%": the sign is part of the number a trader reads. */
export function percent(value: string | null | undefined): string {
  if (value == null) return "—";
  const text = formatFixed(value, 2);
  return `${sign(value) > 0 ? "+" : ""}${text}%`;
}

export function signed(value: string | null | undefined): string {
  if (value == null) return "—";
  return `${sign(value) > 0 ? "+" : ""}${formatFixed(value, 2)}`;
}

export function trendClass(value: string | null | undefined): string {
  if (value == null) return "text-neutral-500";
  const s = sign(value);
  return s > 0 ? "text-emerald-700" : s < 0 ? "text-rose-700" : "text-neutral-600";
}

// Times render in KST on the server and in the browser alike: the same text on both sides (no hydration mismatch),
// and the zone our customers and operators live in.
export const TIME_ZONE_LABEL = "KST";
const dateTime = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function parts(iso: string) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const byType = Object.fromEntries(dateTime.formatToParts(date).map((p) => [p.type, p.value]));
  return byType as Record<"year" | "month" | "day" | "hour" | "minute" | "second", string>;
}

/** "2026-11-22 14:03:05" */
export function dateTimeText(iso: string | null | undefined): string {
  if (!iso) return "—";
  const p = parts(iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}` : iso;
}

/** "14:03:05" */
export function timeText(iso: string | null | undefined): string {
  if (!iso) return "—";
  const p = parts(iso);
  return p ? `${p.hour}:${p.minute}:${p.second}` : iso;
}

/** "14:03" */
export function minuteText(iso: string): string {
  const p = parts(iso);
  return p ? `${p.hour}:${p.minute}` : iso;
}

/**
 * Ledger amounts: cash to the cent, shares without trailing zeros, always signed. A debit ("USD:DEBIT") as its asset.
 */
export function signedAmount(value: string, asset: string): string {
  const [unit] = asset.split(":");
  const body = unit === "USD" || unit === "KRW" ? formatFixed(value, 2) : formatQuantity(value);
  return `${sign(value) > 0 ? "+" : ""}${body}`;
}
