import { describe, expect, it } from "vitest";
import { statusDisagreement } from "./statusAgreement";

const ours = (status: Parameters<typeof statusDisagreement>[0]["status"], filledQuantity = "0") => ({
  id: "o-1",
  status,
  filledQuantity,
});

describe("statusDisagreement", () => {
  it.each([
    ["FILLED", "5", "FILLED", "5"],
    ["CANCELLED", "2", "CANCELLED", "2"],
    ["EXPIRED", "0", "CANCELLED", "0"],
    ["REJECTED", "0", "REJECTED", "0"],
    ["CANCELLED", "0", "REJECTED", "0"],
    ["ACCEPTED", "0", "NEW", "0"],
    ["PARTIALLY_FILLED", "3", "PARTIALLY_FILLED", "3"],
  ] as const)("%s %s here agrees with the broker's %s %s", (status, filled, brokerStatus, brokerFilled) => {
    expect(statusDisagreement(ours(status, filled), { status: brokerStatus, filledQuantity: brokerFilled })).toBeNull();
  });

  it("accepts a closed order the broker never saw", () => {
    for (const status of ["REJECTED", "CANCELLED", "EXPIRED"] as const)
      expect(statusDisagreement(ours(status), null)).toBeNull();
  });

  it.each([
    // The case: the broker cancelled it, a misread "too late" reopened it here.
    ["ACCEPTED", "0", "CANCELLED", "0"],
    ["CANCELLED", "0", "FILLED", "5"],
    ["FILLED", "5", "PARTIALLY_FILLED", "3"],
    ["REJECTED", "0", "NEW", "0"],
    ["PENDING_CANCEL", "0", "CANCELLED", "0"],
    ["CANCELLED", "2", "CANCELLED", "3"],
  ] as const)("%s %s here disagrees with the broker's %s %s", (status, filled, brokerStatus, brokerFilled) => {
    const found = statusDisagreement(ours(status, filled), { status: brokerStatus, filledQuantity: brokerFilled });
    expect(found?.orderId).toBe("o-1");
    expect(found?.message).toContain(brokerStatus);
  });

  it("refuses an open order the broker never saw", () => {
    expect(statusDisagreement(ours("ACCEPTED"), null)?.broker).toBe("no such order");
  });
});
