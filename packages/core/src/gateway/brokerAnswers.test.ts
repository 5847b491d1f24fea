// Every broker answer, however late, duplicated or lost, moves an order only forward. Each case is a history that
// once left an order's status wrong; the names say which.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { brokerView, gatewayDriver } from "../../test/gatewayDriver";
import { createHarness, type Harness } from "../../test/harness";
import { BrokerUnavailableError } from "../broker/port";
import { findLedgerViolations } from "../invariants";
import { cancelOrder } from "../orders/cancelOrder";
import { handleOrderCommand } from "./handleCommand";
import { scheduleDueRetries } from "./recovery";
import type { AccountRef } from "../services";

describe("broker answers", () => {
  let h: Harness;
  let alice: AccountRef;
  let gw: ReturnType<typeof gatewayDriver>;
  const cancel = (orderId: string) =>
    cancelOrder({ ctx: { services: h.services, account: alice, actor: "customer" }, input: { orderId } });
  const cash = () => h.db.prisma.cashBalance.findFirstOrThrow({ where: { accountId: alice.id, currency: "USD" } });

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.account("alice@demo.meridian");
    gw = gatewayDriver(h, alice);
  });
  beforeEach(() => {
    h.broker.nextSubmit = async (request) => ({ outcome: "ACCEPTED", brokerOrderId: `B-${request.clientOrderId}` });
    h.broker.nextCancel = async () => ({ outcome: "CANCELLED", brokerOrderId: "B", filledQuantity: "0" });
    h.broker.nextLookup = async () => null;
  });
  afterAll(async () => h?.close());

  it("regression: a cancel whose first answer was lost, retried into 'too late' because the broker had cancelled it, ends CANCELLED with the cash released", async () => {
    const order = await gw.placeAccepted();
    const before = await cash();
    await cancel(order.id);
    // The broker cancels, but the answer is lost; the retried cancel is "too late": the order is already cancelled.
    h.broker.nextCancel = async () => {
      h.broker.nextCancel = async () => ({
        outcome: "TOO_LATE",
        reason: "order is CANCELLED",
        filledQuantity: "0",
        status: "CANCELLED",
      });
      throw new BrokerUnavailableError("atlas", "TIMEOUT", "response dropped (scripted)");
    };
    expect((await gw.deliverCommands(order.id)).failed).toHaveLength(1);
    await gw.deliverCommands(order.id);
    const after = await gw.order(order.id);
    expect([after.status, after.heldCash.toString()]).toEqual(["CANCELLED", "0"]);
    expect((await cash()).available.minus(before.available).toFixed(2)).toBe(order.heldCash.toFixed(2));
    expect(await findLedgerViolations(h.db.prisma)).toEqual([]);
  });

  it("regression: 'too late' from a broker that does not say why is read by lookup (CANCELLED there → CANCELLED here)", async () => {
    const order = await gw.placeAccepted();
    await cancel(order.id);
    h.broker.nextCancel = async () => ({ outcome: "TOO_LATE", reason: "nothing to cancel", filledQuantity: "0" });
    h.broker.nextLookup = async (id) => brokerView(id, "CANCELLED");
    await gw.deliverCommands(order.id);
    expect((await gw.order(order.id)).status).toBe("CANCELLED");
  });

  it("'too late' because the broker filled it: back to ACCEPTED, and the fills decide", async () => {
    const order = await gw.placeAccepted();
    await cancel(order.id);
    h.broker.nextCancel = async () => ({
      outcome: "TOO_LATE",
      reason: "order is FILLED",
      filledQuantity: "1",
      status: "FILLED",
    });
    await gw.deliverCommands(order.id);
    const after = await gw.order(order.id);
    expect([after.status, after.heldCash.toFixed(2)]).toEqual(["ACCEPTED", order.heldCash.toFixed(2)]);
  });

  it("'too late' because the broker rejected it: REJECTED, holds released", async () => {
    const order = await gw.placeAccepted();
    await cancel(order.id);
    h.broker.nextCancel = async () => ({
      outcome: "TOO_LATE",
      reason: "order is REJECTED",
      filledQuantity: "0",
      status: "REJECTED",
    });
    await gw.deliverCommands(order.id);
    expect(await gw.order(order.id)).toMatchObject({ status: "REJECTED" });
    expect((await gw.order(order.id)).heldCash.toString()).toBe("0");
  });

  it("regression: a late REJECTED answer never overwrites an order that was cancelled meanwhile", async () => {
    let answer!: (value: { outcome: "REJECTED"; reason: string }) => void;
    h.broker.nextSubmit = () => new Promise((resolve) => (answer = resolve));
    const order = await gw.place();
    const submitting = gw.deliverCommands(order.id);
    await waitFor(async () => (await gw.order(order.id)).status === "SUBMITTING");
    // While the submit is in flight the customer cancels, and the broker confirms it has nothing: CANCELLED.
    await cancel(order.id);
    h.broker.nextCancel = async () => ({ outcome: "CANCELLED", brokerOrderId: "B", filledQuantity: "0" });
    const cancelCommand = await h.db.prisma.outboxEvent.findFirstOrThrow({
      where: { key: order.id, eventType: "CancelRequested" },
    });
    await handleOrderCommand(gw.deps(), {
      id: cancelCommand.id,
      topic: cancelCommand.topic,
      key: cancelCommand.key,
      eventType: cancelCommand.eventType,
      payload: cancelCommand.payload,
    });
    expect((await gw.order(order.id)).status).toBe("CANCELLED");
    answer({ outcome: "REJECTED", reason: "late reject (scripted)" });
    await submitting;
    const after = await gw.order(order.id);
    expect(after.status).toBe("CANCELLED");
    expect((await gw.events(order.id)).map((event) => event.kind)).toContain("ANSWER_NOT_APPLIED");
  });

  it("regression: a retry whose lookup finds the order CANCELLED at the broker closes it as CANCELLED, not ACCEPTED", async () => {
    const order = await gw.placeUnanswered();
    expect(order.status).toBe("UNKNOWN");
    h.broker.nextLookup = async (id) => brokerView(id, "CANCELLED");
    await h.db.prisma.order.update({ where: { id: order.id }, data: { nextAttemptAt: new Date(0) } });
    await scheduleDueRetries(h.services);
    await gw.deliverCommands(order.id);
    const after = await gw.order(order.id);
    expect([after.status, after.heldCash.toString()]).toEqual(["CANCELLED", "0"]);
    expect(h.broker.submitted.filter((request) => request.clientOrderId === order.id)).toHaveLength(1); // never resubmitted
  });

  it("regression: a repeated submit answered with the broker's EXPIRED status is not taken as an acceptance", async () => {
    const order = await gw.placeUnanswered();
    h.broker.nextSubmit = async (request) => ({
      outcome: "ACCEPTED",
      brokerOrderId: `B-${request.clientOrderId}`,
      status: "EXPIRED",
      filledQuantity: "0",
    });
    await h.db.prisma.order.update({ where: { id: order.id }, data: { nextAttemptAt: new Date(0) } });
    await scheduleDueRetries(h.services);
    await gw.deliverCommands(order.id);
    expect(await gw.order(order.id)).toMatchObject({ status: "EXPIRED" });
  });

  it("a cancel the broker confirms with fills still on their way waits for them, then closes", async () => {
    const order = await gw.placeAccepted({ quantity: "3" });
    await cancel(order.id);
    h.broker.nextCancel = async () => ({ outcome: "CANCELLED", brokerOrderId: "B", filledQuantity: "2" });
    await gw.deliverCommands(order.id);
    const waiting = await gw.order(order.id);
    expect([waiting.status, waiting.finalFilledQuantity?.toString()]).toEqual(["PENDING_CANCEL", "2"]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
