// 대사 with the FX desk: its report of the conversions it made against our fx_conversions, one finding per
// disagreement. The comparison is a pure function (compareConversions); reconcileFxDesk reads both sides.
//   MISSING_HERE      the desk made a conversion under one of our keys that we have not booked (still REQUESTED, or
//                     FAILED: a lost answer we gave up on) — money moved at the desk that our books do not show
//   MISSING_AT_DESK   we booked a conversion the desk does not report
//   AMOUNTS_DIFFER    both have it, with other amounts or another rate
// A REQUESTED conversion younger than the grace period is still in flight and not judged.
import type { FxConversion as FxConversionRow } from "@meridian/db";
import type { FxConversion } from "../fxdesk/port";
import type { CoreServices } from "../services";
import { dec } from "../shared/money";

export interface FxReconFinding {
  kind: "MISSING_HERE" | "MISSING_AT_DESK" | "AMOUNTS_DIFFER";
  clientKey: string;
  accountId: string | null;
  message: string;
}

export function compareConversions(
  ours: Pick<
    FxConversionRow,
    "clientKey" | "accountId" | "status" | "sellAmount" | "buyAmount" | "rate" | "createdAt"
  >[],
  desk: FxConversion[],
  options: { now: Date; graceMs: number },
): FxReconFinding[] {
  const ourByKey = new Map(ours.map((row) => [row.clientKey, row]));
  const deskByKey = new Map(desk.map((conversion) => [conversion.clientKey, conversion]));
  const findings: FxReconFinding[] = [];
  for (const made of desk) {
    const row = ourByKey.get(made.clientKey);
    if (!row) continue; // another customer of the desk, or a key outside the window we read
    if (row.status !== "DONE") {
      const inFlight = row.status === "REQUESTED" && options.now.getTime() - row.createdAt.getTime() < options.graceMs;
      if (!inFlight)
        findings.push({
          kind: "MISSING_HERE",
          clientKey: made.clientKey,
          accountId: row.accountId,
          message: `the desk converted ${made.sellAmount} ${made.sell} → ${made.buyAmount} ${made.buy} at ${made.rate}; ours is ${row.status}`,
        });
      continue;
    }
    const same =
      dec(made.sellAmount).equals(row.sellAmount) &&
      row.buyAmount !== null &&
      dec(made.buyAmount).equals(row.buyAmount) &&
      row.rate !== null &&
      dec(made.rate).equals(row.rate);
    if (!same)
      findings.push({
        kind: "AMOUNTS_DIFFER",
        clientKey: made.clientKey,
        accountId: row.accountId,
        message: `the desk has ${made.sellAmount} → ${made.buyAmount} at ${made.rate}; we booked ${row.sellAmount.toString()} → ${row.buyAmount?.toString()} at ${row.rate?.toString()}`,
      });
  }
  for (const row of ours)
    if (row.status === "DONE" && !deskByKey.has(row.clientKey))
      findings.push({
        kind: "MISSING_AT_DESK",
        clientKey: row.clientKey,
        accountId: row.accountId,
        message: `we booked ${row.sellAmount.toString()} → ${row.buyAmount?.toString()}, the desk reports no conversion under this key`,
      });
  return findings;
}

/** Reconciles the conversions requested since `since` against the desk's report since then. */
export async function reconcileFxDesk(services: CoreServices, options: { since: Date; graceMs: number }) {
  const [ours, desk] = await Promise.all([
    services.prisma.fxConversion.findMany({ where: { createdAt: { gte: options.since } } }),
    services.fxDesk.report(options.since),
  ]);
  return {
    since: options.since.toISOString(),
    compared: { ours: ours.length, desk: desk.length },
    findings: compareConversions(ours, desk, { now: new Date(), graceMs: options.graceMs }),
  };
}
