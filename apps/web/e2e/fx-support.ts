import { expect, type APIRequestContext, type Locator } from "@playwright/test";
import type { BrokerFaultsPatch } from "@meridian/core/client";
import { trpcMutation, trpcQuery } from "./support";

/** The FX desk's partner id: its fault switches are set like a broker's, through the console's API. */
const FX_DESK = "fxdesk";

/** Flips the simulated desk's fault switches; `operator` must be an operator's session. */
export async function setFxDeskFaults(operator: APIRequestContext, faults: BrokerFaultsPatch, reason: string) {
  const changed = await trpcMutation(operator, "admin.brokers.setFaults", { brokerId: FX_DESK, faults, reason });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
}

export type SagaView = { id: string; status: string; phase: string; orderId: string | null; outcome: string | null };

/** One of the signed-in customer's sagas, through the status polling API. */
export async function customerSaga(customer: APIRequestContext, sagaId: string): Promise<SagaView | undefined> {
  return (await trpcQuery<SagaView>(customer, "fx.saga", { sagaId })).body.result?.data;
}

/** "₩1,380,000" → 1380000n: won compared exactly, never as floats. */
export async function wonIn(locator: Locator): Promise<bigint> {
  const text = ((await locator.textContent()) ?? "").replace(/[₩,\s]/g, "");
  if (!/^\d+$/.test(text)) throw new Error(`not a won amount: ${JSON.stringify(text)}`);
  return BigInt(text);
}
