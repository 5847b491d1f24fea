// The comparison rules on their own, without a database or a broker: which class each divergence gets, which fix is
// proposed, and which orders are left alone because they are still moving.
import { describe, expect, it } from "vitest";
import type { BrokerExecution, BrokerOrderView } from "../broker/port";
import { dec } from "../shared/money";
import { compare, type ComparisonInput, type OurOrder } from "./compare";

const NOW = new Date("2026-11-22T12:00:00.000Z");
const EARLIER = new Date("2026-11-22T11:00:00.000Z");
const ID = "0b8a5e2c-6a51-4c7e-9f0e-2f1a7c3d4e5f";

function ours(overrides: Partial<OurOrder> = {}): OurOrder {
  return {
    id: ID,
    brokerId: "atlas",
    symbol: "AAPL",
    side: "BUY",
    quantity: dec(3),
    status: "ACCEPTED",
    filledQuantity: dec(0),
    submitAttempts: 1,
    brokerOrderId: "AT-1",
    createdAt: EARLIER,
    updatedAt: EARLIER,
    receipts: [],
    ...overrides,
  };
}

function execution(execId: string, quantity: string, price = "100.00", executedAt = EARLIER): BrokerExecution {
  return {
    execId,
    clientOrderId: ID,
    brokerOrderId: "AT-1",
    symbol: "AAPL",
    side: "BUY",
    quantity,
    price,
    executedAt: executedAt.toISOString(),
  };
}

function theirs(overrides: Partial<BrokerOrderView> = {}): BrokerOrderView {
  return {
    clientOrderId: ID,
    brokerOrderId: "AT-1",
    symbol: "AAPL",
    side: "BUY",
    type: "MARKET",
    quantity: "3",
    limitPrice: null,
    status: "NEW",
    filledQuantity: "0",
    executions: [],
    createdAt: EARLIER.toISOString(),
    ...overrides,
  };
}

function run(ourOrders: OurOrder[], brokerOrders: BrokerOrderView[], extra: Partial<ComparisonInput> = {}) {
  return compare({
    brokerId: "atlas",
    ourOrders,
    brokerOrders,
    reportRequestedAt: NOW,
    now: NOW,
    graceMs: 30_000,
    ...extra,
  });
}

const classes = (result: ReturnType<typeof compare>) =>
  result.findings.map((finding) => `${finding.mismatchClass}/${finding.proposedFix}`);

describe("reconciliation comparison", () => {
  it("finds nothing when both sides agree", () => {
    const receipt = { id: "r1", execId: "E1", quantity: dec(3), price: dec("100.00"), consumed: true };
    const result = run(
      [ours({ status: "FILLED", filledQuantity: dec(3), receipts: [receipt] })],
      [theirs({ status: "FILLED", filledQuantity: "3", executions: [execution("E1", "3")] })],
    );
    expect(result.findings).toEqual([]);
    expect(result.compared).toEqual([ID]);
  });

  it("proposes to close an order the broker never received, and acknowledges one with fills", () => {
    expect(classes(run([ours()], []))).toEqual(["MISSING_AT_BROKER/CLOSE_REJECTED"]);
    expect(classes(run([ours({ status: "FILLED", filledQuantity: dec(3) })], []))).toEqual([
      "MISSING_AT_BROKER/ACKNOWLEDGE",
    ]);
    expect(run([ours({ status: "EXPIRED", submitAttempts: 0 })], []).findings).toEqual([]);
  });

  it("reports an unknown broker order, and one we closed as never sent, as missing here", () => {
    const unknown = theirs({ clientOrderId: "someone-else-1" });
    expect(classes(run([], [unknown]))).toEqual(["MISSING_HERE/ACKNOWLEDGE"]);
    expect(
      classes(
        run([ours({ status: "EXPIRED", submitAttempts: 0 })], [theirs({ status: "FILLED", filledQuantity: "3" })]),
      ),
    ).toEqual(["MISSING_HERE/ACKNOWLEDGE"]);
    // Closed on both sides with nothing traded is no mismatch.
    expect(run([ours({ status: "CANCELLED", submitAttempts: 0 })], [theirs({ status: "CANCELLED" })]).findings).toEqual(
      [],
    );
  });

  it("ingests missing executions that complete the order exactly, and judges the status as it will be", () => {
    const result = run(
      [ours()],
      [theirs({ status: "FILLED", filledQuantity: "3", executions: [execution("E1", "1"), execution("E2", "2")] })],
    );
    expect(classes(result)).toEqual(["MISSING_EXECUTION/INGEST_EXECUTION", "MISSING_EXECUTION/INGEST_EXECUTION"]);
    expect(result.findings.map((finding) => finding.execId)).toEqual(["E1", "E2"]);
  });

  it("regression: ingests a trade the broker made on an order we closed (the ledger books it as a late fill)", () => {
    const closed = run(
      [ours({ status: "CANCELLED" })],
      [theirs({ status: "FILLED", filledQuantity: "3", executions: [execution("E1", "3")] })],
    );
    expect(classes(closed)).toEqual(["MISSING_EXECUTION/INGEST_EXECUTION"]);
    expect(closed.findings[0]!.summary).toContain("late fill");
  });

  it("does not ingest when the executions do not explain the difference", () => {
    // Our books already hold the fill but its receipt is gone: ingesting would book it twice.
    const booked = run(
      [ours({ status: "FILLED", filledQuantity: dec(3) })],
      [theirs({ status: "FILLED", filledQuantity: "3", executions: [execution("E1", "3")] })],
    );
    expect(classes(booked)).toEqual(["MISSING_EXECUTION/ACKNOWLEDGE"]);
  });

  it("reports a quantity break alone, without a status fix on top of it", () => {
    const receipts = [{ id: "r1", execId: "E1", quantity: dec(3), price: dec("100.00"), consumed: true }];
    const result = run(
      [ours({ status: "FILLED", filledQuantity: dec(2), receipts })],
      [theirs({ status: "FILLED", filledQuantity: "3", executions: [execution("E1", "3")] })],
    );
    expect(classes(result)).toEqual(["QUANTITY/ACKNOWLEDGE"]);
  });

  it("reports a price that differs on one execution", () => {
    const receipts = [{ id: "r1", execId: "E1", quantity: dec(3), price: dec("101.00"), consumed: true }];
    const result = run(
      [ours({ status: "FILLED", filledQuantity: dec(3), receipts })],
      [theirs({ status: "FILLED", filledQuantity: "3", executions: [execution("E1", "3", "100.00")] })],
    );
    expect(classes(result)).toEqual(["PRICE/ACKNOWLEDGE"]);
    expect(result.findings[0]!.execution).toMatchObject({ execId: "E1", price: "100.00", ourPrice: "101.00" });
  });

  it("proposes status fixes from the broker's state", () => {
    expect(classes(run([ours()], [theirs({ status: "CANCELLED" })]))).toEqual(["STATUS/CLOSE_CANCELLED"]);
    expect(classes(run([ours({ status: "NEEDS_ATTENTION" })], [theirs({ status: "REJECTED" })]))).toEqual([
      "STATUS/CLOSE_REJECTED",
    ]);
    expect(classes(run([ours({ status: "NEEDS_ATTENTION" })], [theirs()]))).toEqual(["STATUS/MARK_ACCEPTED"]);
    expect(classes(run([ours({ status: "CANCELLED" })], [theirs()]))).toEqual(["STATUS/ACKNOWLEDGE"]);
  });

  it("leaves orders that are still moving for the next run", () => {
    const unconsumed = [{ id: "r1", execId: "E1", quantity: dec(3), price: dec("100.00"), consumed: false }];
    const filled = theirs({ status: "FILLED", filledQuantity: "3", executions: [execution("E1", "3")] });
    expect(run([ours({ receipts: unconsumed })], [filled]).inFlight.map((entry) => entry.reason)).toEqual([
      "the ledger has not consumed every execution yet",
    ]);
    expect(run([ours({ status: "UNKNOWN" })], []).inFlight).toHaveLength(1);
    expect(run([ours({ updatedAt: NOW })], []).inFlight).toHaveLength(1);
    const recent = theirs({
      status: "FILLED",
      filledQuantity: "3",
      executions: [execution("E1", "3", "100.00", new Date(NOW.getTime() - 1000))],
    });
    const result = run([ours()], [recent]);
    expect(result.findings).toEqual([]);
    expect(result.inFlight).toEqual([
      { clientOrderId: ID, reason: "an execution webhook may still be on its way", createdAt: EARLIER },
    ]);
  });
});
