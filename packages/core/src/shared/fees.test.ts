// The commission hold covers the worst case of per-fill rounding: however the broker splits an order into fills, and
// at whatever prices up to the held one, the commission charged fill by fill never exceeds what was held for it, in
// cash or in fee points.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commissionHoldFor, commissionOn } from "./fees";
import { dec, minDec, ZERO, type Decimal } from "./money";

/** An order's fills: whole shares each, each at or below the held unit price (in cents). */
const arbitraryOrder = fc.record({
  /** COMMISSION_RATE: the bound holds at any rate, the default 0.001 among them. */
  rate: fc.constantFrom("0.001", "0.0015", "0.002", "0.01"),
  heldCents: fc.integer({ min: 1, max: 2_000_000 }),
  fills: fc.array(fc.record({ shares: fc.integer({ min: 1, max: 40 }), centsBelowHeld: fc.nat({ max: 5_000 }) }), {
    minLength: 1,
    maxLength: 150,
  }),
});

function chargedFillByFill(order: {
  rate: string;
  heldCents: number;
  fills: { shares: number; centsBelowHeld: number }[];
}) {
  const heldPrice = dec(order.heldCents).dividedBy(100);
  const quantity = dec(order.fills.reduce((sum, fill) => sum + fill.shares, 0));
  const commissions = order.fills.map((fill) => {
    const priceCents = Math.max(1, order.heldCents - fill.centsBelowHeld);
    return commissionOn(dec(fill.shares).times(priceCents).dividedBy(100), order.rate);
  });
  return { hold: commissionHoldFor(quantity, heldPrice, order.rate), commissions };
}

describe("commissionHoldFor", () => {
  it("covers the commission charged fill by fill, for any split and any prices up to the held one", () => {
    fc.assert(
      fc.property(arbitraryOrder, (order) => {
        const { hold, commissions } = chargedFillByFill(order);
        const charged = commissions.reduce((sum, commission) => sum.plus(commission), ZERO);
        expect(charged.lessThanOrEqualTo(hold), `charged ${charged.toString()} > held ${hold.toString()}`).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("covers it in fee points too: the held points pay every fill's commission, none of it falls to cash", () => {
    fc.assert(
      fc.property(arbitraryOrder, (order) => {
        const { hold, commissions } = chargedFillByFill(order);
        // As the ledger spends them: each fill takes its commission from the points still held (1 point = 1 cent).
        let heldPoints: Decimal = hold.times(100);
        for (const commission of commissions) {
          const pointsSpent = minDec(heldPoints, commission.times(100));
          expect(commission.minus(pointsSpent.dividedBy(100)).isZero()).toBe(true);
          heldPoints = heldPoints.minus(pointsSpent);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("holds for the case that broke the old hold: ten one-share fills at $5.00 pay 10 × $0.01, not the $0.05 of one rounding", () => {
    const perFill = commissionOn(dec("5.00"), "0.001");
    expect(perFill.toFixed(2)).toBe("0.01"); // $0.005 rounds half up
    expect(commissionHoldFor(dec(10), dec("5.00"), "0.001").toFixed(2)).toBe("0.10");
  });
});
