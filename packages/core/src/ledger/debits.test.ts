// Netting a free balance against what the account owes: a shortfall becomes debit, a surplus repays it first, and the
// free balance minus the debit is what it would have been with negative balances allowed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dec } from "../shared/money";
import { netAgainstDebit } from "./debits";

describe("netAgainstDebit", () => {
  it.each([
    ["a shortfall becomes debit", "-100.60", "0", { free: "0", debit: "100.6" }],
    ["a shortfall adds to an open debit", "-5", "10", { free: "0", debit: "15" }],
    ["a credit repays the debit first", "149.85", "100.60", { free: "49.25", debit: "0" }],
    ["a credit smaller than the debit leaves no free balance", "40", "100", { free: "0", debit: "60" }],
    ["no debit, no change", "25", "0", { free: "25", debit: "0" }],
  ])("%s", (_, free, debit, expected) => {
    const next = netAgainstDebit(dec(free), dec(debit));
    expect({ free: next.free.toString(), debit: next.debit.toString() }).toEqual(expected);
  });

  it("keeps free − debit, never leaves a free balance beside a debit, and nothing negative", () => {
    const cents = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((value) => dec(value).dividedBy(100));
    fc.assert(
      fc.property(
        cents,
        cents.map((value) => value.abs()),
        (free, debit) => {
          const next = netAgainstDebit(free, debit);
          expect(next.free.minus(next.debit).equals(free.minus(debit))).toBe(true);
          expect(next.free.isZero() || next.debit.isZero()).toBe(true);
          expect(next.free.greaterThanOrEqualTo(0) && next.debit.greaterThanOrEqualTo(0)).toBe(true);
        },
      ),
    );
  });
});
