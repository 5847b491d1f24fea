import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { apiSession, BOB, OPERATOR, signIn, trpcMutation } from "./support";

// Screens poll only every 15 s as a fallback. Three orders placed a couple of seconds apart, each shown within a few
// seconds and all within one fallback period, need at least three refreshes: one poll can explain at most one of
// them, so the others came by push.
const FALLBACK_PERIOD_MS = 15_000;
const SHOWN_WITHIN_MS = 4_000;
const ORDERS = 3;

/** A limit buy far below the market: it stays open (and is cancelled after the test). */
async function placeRestingOrder(request: APIRequestContext): Promise<string> {
  const placed = await trpcMutation<{ id: string }>(request, "orders.place", {
    symbol: "GOOGL",
    side: "BUY",
    type: "LIMIT",
    limitPrice: "1.00",
    quantity: "1",
    idempotencyKey: crypto.randomUUID(),
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  return placed.body.result!.data.id;
}

/** Places the orders one after another from outside the page and expects each to show up in it by push. */
async function expectPushedOrders(
  page: Page,
  bob: APIRequestContext,
  rowOf: (orderId: string) => Locator,
): Promise<string[]> {
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live");
  const started = Date.now();
  const orderIds: string[] = [];
  for (let n = 0; n < ORDERS; n++) {
    const orderId = await placeRestingOrder(bob);
    orderIds.push(orderId);
    await expect(rowOf(orderId)).toBeVisible({ timeout: SHOWN_WITHIN_MS });
  }
  expect(Date.now() - started, "all orders should show within one fallback period").toBeLessThan(FALLBACK_PERIOD_MS);
  return orderIds;
}

async function cancelAll(bob: APIRequestContext, orderIds: string[]) {
  for (const orderId of orderIds) await trpcMutation(bob, "orders.cancel", { orderId });
}

test("the customer's open orders show changes made elsewhere by push", async ({ page, playwright, baseURL }) => {
  await signIn(page, BOB.email, "/");
  const bob = await apiSession(playwright, baseURL, BOB.email);
  const orderIds = await expectPushedOrders(page, bob, (orderId) =>
    page.locator(`[data-testid="orders-table"] tr[data-order-id="${orderId}"]`),
  );
  await cancelAll(bob, orderIds);
  // Cancelled orders leave the open list.
  for (const orderId of orderIds)
    await expect(page.locator(`[data-testid="orders-table"] tr[data-order-id="${orderId}"]`)).toHaveCount(0);
  await bob.dispose();
});

test("the operator console shows new orders by push", async ({ page, playwright, baseURL }) => {
  await signIn(page, OPERATOR.email, "/admin");
  const bob = await apiSession(playwright, baseURL, BOB.email);
  const orderIds = await expectPushedOrders(page, bob, (orderId) =>
    page.locator(`[data-testid="admin-orders"] tr[data-order-id="${orderId}"]`),
  );
  await cancelAll(bob, orderIds);
  await bob.dispose();
});
