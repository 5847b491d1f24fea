/** A setting that must be a positive whole number (milliseconds, days, attempts); unset or blank means `fallback`. */
export function positiveIntFromEnv(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${text}"`);
  return value;
}
