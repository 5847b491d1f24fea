// The simulator's fault switches as the console edits them: milliseconds and capacities as typed, rates as
// percentages (0–100 %) while the wire carries 0–1. The simulator validates again and is the one that decides; these
// checks only catch what is obviously wrong before a round trip.
import { FAULT_DELAY_MAX_MS } from "@meridian/core/client";
import type { BrokerFaults } from "./router-types";

// Every switch off, as the simulator defines it; "Clear all faults" sends it.
export { NO_FAULTS } from "@meridian/core/client";

export type DelayKey = "latencyMs" | "latencyJitterMs";
export type RateKey = "dropResponseRate" | "errorRate" | "rejectRate" | "duplicateExecutionRate";
export type CapacityKey = "capacityTps" | "capacityConcurrent";
export type SwitchKey = "reorderExecutions" | "pauseExecutions" | "down";
type NumberKey = DelayKey | RateKey | CapacityKey;

export const DELAYS: readonly { key: DelayKey; label: string; hint: string }[] = [
  { key: "latencyMs", label: "Latency", hint: "added to every answer" },
  { key: "latencyJitterMs", label: "Jitter", hint: "plus a random 0 to this" },
];

export const RATES: readonly { key: RateKey; label: string; hint: string }[] = [
  { key: "dropResponseRate", label: "Drop response", hint: "processed, never answered" },
  { key: "errorRate", label: "5xx", hint: "503 before processing" },
  { key: "rejectRate", label: "Reject", hint: "a valid order rejected" },
  { key: "duplicateExecutionRate", label: "Duplicate executions", hint: "a fill's webhook sent twice" },
];

/** Whole numbers, 0 = unlimited; `summary` names a value in the applied-faults line. */
export const CAPACITIES: readonly {
  key: CapacityKey;
  label: string;
  hint: string;
  unit: string;
  summary: (value: number) => string;
}[] = [
  {
    key: "capacityTps",
    label: "Promised TPS (0 = unlimited)",
    hint: "order calls/s; slower above it, 503 above 2×",
    unit: "/s",
    summary: (value) => (value === 0 ? "TPS unlimited" : `capacity ${value.toLocaleString("en-US")} calls/s`),
  },
  {
    key: "capacityConcurrent",
    label: "Concurrent calls it bears (0 = unlimited)",
    hint: "order calls at once; slower above it, 503 above 2×",
    unit: "",
    summary: (value) =>
      value === 0 ? "concurrency unlimited" : `capacity ${value.toLocaleString("en-US")} concurrent calls`,
  },
];

export const SWITCHES: readonly { key: SwitchKey; label: string; hint: string }[] = [
  { key: "reorderExecutions", label: "Reorder executions", hint: "held, then sent newest first" },
  { key: "pauseExecutions", label: "Pause executions", hint: "no webhook until unpaused" },
  { key: "down", label: "Broker down", hint: "every call answers 503" },
];

/** What the operator has typed or toggled and not applied yet; fields not in it follow the broker's live values. */
export type FaultDraft = Partial<Record<NumberKey, string> & Record<SwitchKey, boolean>>;

const isRate = (key: NumberKey): key is RateKey => RATES.some((rate) => rate.key === key);
const isCapacity = (key: NumberKey): key is CapacityKey => CAPACITIES.some((capacity) => capacity.key === key);

/** 0.3 → "30", 0.125 → "12.5": percentages without float noise (0.57 × 100 is 56.99999999999999). */
export function percentText(rate: number): string {
  return String(Number((rate * 100).toFixed(4)));
}

/** The text an input shows for the broker's current value. */
export function liveText(faults: BrokerFaults, key: NumberKey): string {
  return isRate(key) ? percentText(faults[key]) : String(faults[key]);
}

const NUMBER = /^\d+(\.\d+)?$/;
const WHOLE_NUMBER = /^\d+$/;

/** The wire value typed into one input, or why it cannot be sent. */
function parseField(key: NumberKey, text: string): { value: number } | { error: string } {
  const trimmed = text.trim();
  if (isRate(key)) {
    if (!NUMBER.test(trimmed) || Number(trimmed) > 100) return { error: "Enter a percentage from 0 to 100." };
    return { value: Number(trimmed) / 100 };
  }
  // The upper bound is the simulator's to enforce: it refuses an absurd capacity naming the field.
  if (isCapacity(key)) {
    if (!WHOLE_NUMBER.test(trimmed)) return { error: "Enter a whole number, 0 for unlimited." };
    return { value: Number(trimmed) };
  }
  if (!NUMBER.test(trimmed) || Number(trimmed) > FAULT_DELAY_MAX_MS)
    return { error: `Enter milliseconds from 0 to ${FAULT_DELAY_MAX_MS.toLocaleString("en-US")}.` };
  return { value: Number(trimmed) };
}

const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** The fields the draft changes against the broker's current faults, or the inputs that cannot be sent. */
export function readDraft(
  draft: FaultDraft,
  live: BrokerFaults,
): { change: Partial<BrokerFaults>; errors: Partial<Record<NumberKey, string>> } {
  const change: Partial<BrokerFaults> = {};
  const errors: Partial<Record<NumberKey, string>> = {};
  for (const { key } of [...DELAYS, ...RATES, ...CAPACITIES]) {
    const text = draft[key];
    if (text === undefined) continue;
    const parsed = parseField(key, text);
    if ("error" in parsed) errors[key] = parsed.error;
    else if (!same(parsed.value, live[key])) change[key] = parsed.value;
  }
  for (const { key } of SWITCHES) {
    const on = draft[key];
    if (on !== undefined && on !== live[key]) change[key] = on;
  }
  return { change, errors };
}

/**
 * "latency 250 ms, drop response 30 %, capacity 20 calls/s, broker down" (a switch turned off reads "… off"), or null
 * for nothing.
 */
export function describeFaults(faults: Partial<BrokerFaults>): string | null {
  const parts: string[] = [];
  for (const { key, label } of DELAYS) {
    const value = faults[key];
    if (value !== undefined) parts.push(`${label.toLowerCase()} ${value.toLocaleString("en-US")} ms`);
  }
  for (const { key, label } of RATES) {
    const value = faults[key];
    if (value !== undefined) parts.push(`${label === "5xx" ? label : label.toLowerCase()} ${percentText(value)} %`);
  }
  for (const { key, summary } of CAPACITIES) {
    const value = faults[key];
    if (value !== undefined) parts.push(summary(value));
  }
  for (const { key, label } of SWITCHES) {
    const value = faults[key];
    if (value !== undefined) parts.push(value ? label.toLowerCase() : `${label.toLowerCase()} off`);
  }
  return parts.length > 0 ? parts.join(", ") : null;
}

/** Only the switches that are on, for the card's one-line summary. */
export function activeFaults(faults: BrokerFaults): Partial<BrokerFaults> {
  return Object.fromEntries(
    Object.entries(faults).filter(([, value]) => value !== 0 && value !== false),
  ) as Partial<BrokerFaults>;
}
