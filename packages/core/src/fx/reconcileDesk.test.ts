import { describe, expect, it } from "vitest";
import type { FxConversion } from "../fxdesk/port";
import { dec } from "../shared/money";
import { compareConversions } from "./reconcileDesk";

const NOW = new Date("2026-12-01T12:00:00Z");
const made = (clientKey: string, overrides: Partial<FxConversion> = {}): FxConversion => ({
  conversionId: `fx-${clientKey}`,
  clientKey,
  quoteId: null,
  sell: "KRW",
  sellAmount: "1386900",
  buy: "USD",
  buyAmount: "1000.00",
  rate: "1386.90",
  executedAt: NOW.toISOString(),
  reversesKey: null,
  reversedByKey: null,
  ...overrides,
});
const ours = (clientKey: string, status: string, ageMs = 60_000, overrides: Record<string, unknown> = {}) => ({
  clientKey,
  accountId: "a1",
  status,
  sellAmount: dec("1386900"),
  buyAmount: status === "DONE" ? dec("1000") : null,
  rate: status === "DONE" ? dec("1386.9") : null,
  createdAt: new Date(NOW.getTime() - ageMs),
  ...overrides,
});
const compare = (rows: ReturnType<typeof ours>[], desk: FxConversion[]) =>
  compareConversions(rows, desk, { now: NOW, graceMs: 30_000 }).map((finding) => [finding.kind, finding.clientKey]);

describe("reconciling with the FX desk", () => {
  it("finds nothing when both sides agree, whatever the desk did for others", () => {
    expect(compare([ours("k1", "DONE")], [made("k1"), made("someone-else")])).toEqual([]);
  });
  it("names a conversion the desk made that we did not book, once it is past the grace period", () => {
    expect(compare([ours("k1", "REQUESTED", 5_000)], [made("k1")])).toEqual([]);
    expect(compare([ours("k1", "REQUESTED")], [made("k1")])).toEqual([["MISSING_HERE", "k1"]]);
    expect(compare([ours("k1", "FAILED", 1_000)], [made("k1")])).toEqual([["MISSING_HERE", "k1"]]);
  });
  it("names a booked conversion the desk does not report, and different amounts or rates", () => {
    expect(compare([ours("k1", "DONE")], [])).toEqual([["MISSING_AT_DESK", "k1"]]);
    expect(compare([ours("k1", "DONE")], [made("k1", { buyAmount: "999.99" })])).toEqual([["AMOUNTS_DIFFER", "k1"]]);
    expect(compare([ours("k1", "DONE")], [made("k1", { rate: "1386.91" })])).toEqual([["AMOUNTS_DIFFER", "k1"]]);
  });
  it("leaves a conversion nobody made alone", () => {
    expect(compare([ours("k1", "FAILED"), ours("k2", "REQUESTED", 1_000)], [])).toEqual([]);
  });
});
