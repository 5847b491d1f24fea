import { expect, type APIRequestContext, type Locator } from "@playwright/test";
import type { BrokerFaults } from "@meridian/core/client";
import { trpcQuery } from "./support";

/** The FX desk the system under test uses (playwright.config.ts starts it at this port). */
export const FX_DESK_URL = `http://127.0.0.1:${process.env.E2E_FX_DESK_PORT ?? "4100"}/fxdesk`;

/** Flips the desk's fault switches at the simulator, as an operator rehearsing an outage would. */
export async function setFxDeskFaults(request: APIRequestContext, faults: Partial<BrokerFaults>) {
  const response = await request.put(`${FX_DESK_URL}/faults`, { data: faults });
  expect(response.ok(), await response.text()).toBe(true);
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
