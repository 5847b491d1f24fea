// Prices live as integer cents inside the simulator and cross the wire as 2-decimal strings: no float ever holds money.

const PRICE = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** "187.5" → 18750; null when the text is not a non-negative price with at most 2 decimals. */
export function parseCents(text: string): number | null {
  const match = PRICE.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = cents % 100;
  return `${whole}.${String(fraction).padStart(2, "0")}`;
}

/** "250" → 250; null unless a whole number written with digits only. */
export function parseWholeQuantity(text: string): number | null {
  if (!/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}
