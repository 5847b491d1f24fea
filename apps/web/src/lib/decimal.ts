// Exact decimal arithmetic on the server's decimal strings ("187.25"), for display-only figures such as a ticket's
// estimated cost. BigInt keeps it exact; JavaScript floats never touch money here.

type Fixed = { units: bigint; scale: number };

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

function parse(value: string): Fixed | null {
  const text = value.trim();
  if (!DECIMAL.test(text)) return null;
  const [whole = "0", fraction = ""] = text.replace("-", "").split(".");
  const units = BigInt(whole + fraction) * (text.startsWith("-") ? -1n : 1n);
  return { units, scale: fraction.length };
}

function render({ units, scale }: Fixed): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Round half away from zero to `places` decimals. */
function round(value: Fixed, places: number): Fixed {
  if (value.scale <= places) return { units: value.units * 10n ** BigInt(places - value.scale), scale: places };
  const divisor = 10n ** BigInt(value.scale - places);
  const negative = value.units < 0n;
  const magnitude = negative ? -value.units : value.units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return { units: negative ? -quotient : quotient, scale: places };
}

export function multiply(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  return render({ units: x.units * y.units, scale: x.scale + y.scale });
}

export function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return 0;
  const scale = Math.max(x.scale, y.scale);
  const xu = x.units * 10n ** BigInt(scale - x.scale);
  const yu = y.units * 10n ** BigInt(scale - y.scale);
  return xu === yu ? 0 : xu < yu ? -1 : 1;
}

export function sign(value: string): -1 | 0 | 1 {
  const x = parse(value);
  if (!x || x.units === 0n) return 0;
  return x.units < 0n ? -1 : 1;
}

/** "1234567.891" → "1,234,567.89" (fixed places, rounded). Non-numbers come back unchanged. */
export function formatFixed(value: string, places: number): string {
  const x = parse(value);
  if (!x) return value;
  return group(render(round(x, places)));
}

/** Quantities: no trailing zeros, grouped ("13.000000" → "13"). */
export function formatQuantity(value: string): string {
  const x = parse(value);
  if (!x) return value;
  let text = render(x);
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return group(text);
}

function group(text: string): string {
  const [whole = "", fraction] = text.split(".");
  const negative = whole.startsWith("-");
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction !== undefined ? `.${fraction}` : ""}`;
}
