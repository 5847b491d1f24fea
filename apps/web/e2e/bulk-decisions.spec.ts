import { expect, test, type APIRequestContext } from "@playwright/test";
import {
  apiSession,
  brokerOverview,
  CHLOE,
  clearBrokerFaults,
  OPERATOR,
  signIn,
  trpcMutation,
  trpcQuery,
} from "./support";

type AttentionRow = { orderId: string; status: string };

/**
 * `count` limit orders sent while harbor is down: every attempt answers 503, the gateway gives up on each, and each
 * waits in the attention queue. Harbor stays down; the caller brings it back.
 */
async function ordersStuckAtHarbor(
  operator: APIRequestContext,
  playwright: Parameters<typeof apiSession>[0],
  baseURL: string | undefined,
  count: number,
): Promise<string[]> {
  const harbor = (await brokerOverview(operator)).find(({ brokerId }) => brokerId === "harbor");
  expect(harbor?.symbols.length, "harbor should have a symbol routed to it").toBeGreaterThan(0);
  const faults = { brokerId: "harbor", faults: { down: true }, reason: "e2e: harbor is down" };
  expect((await trpcMutation(operator, "admin.brokers.setFaults", faults)).status).toBe(200);

  const chloe = await apiSession(playwright, baseURL, CHLOE.email);
  const order = { symbol: harbor!.symbols[0], side: "BUY", type: "LIMIT", limitPrice: "1.00", quantity: "1" };
  const placed = await Promise.all(
    Array.from({ length: count }, () =>
      trpcMutation<{ id: string }>(chloe, "orders.place", { ...order, idempotencyKey: crypto.randomUUID() }),
    ),
  );
  await chloe.dispose();
  const ids = placed.map(({ body }) => body.result!.data.id);

  const waiting = async () => {
    const queue = (await trpcQuery<AttentionRow[]>(operator, "admin.attention.list")).body.result?.data ?? [];
    return ids.filter((id) => queue.some((row) => row.orderId === id && row.status === "NEEDS_ATTENTION")).length;
  };
  await expect.poll(waiting, { timeout: 90_000, message: "every order should need attention" }).toBe(count);
  return ids;
}

test.afterEach(async ({ playwright, baseURL }) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  await clearBrokerFaults(operator);
  await operator.dispose();
});

test("the operator rejects three stuck orders at once: a preview line per order, one reason, an outcome per order", async ({
  page,
  playwright,
  baseURL,
}) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  const orderIds = await ordersStuckAtHarbor(operator, playwright, baseURL, 3);
  // Harbor answers again: its daily report can show it never received them.
  await clearBrokerFaults(operator);

  await signIn(page, OPERATOR.email, "/admin");
  await page.goto("/admin/attention");
  const table = page.getByTestId("attention-table");
  const rowOf = (orderId: string) => table.locator(`tr[data-order-id="${orderId}"]`);
  for (const orderId of orderIds) await expect(rowOf(orderId)).toBeVisible();

  // "Select all shown" selects what the filter shows: here one order, found by its id.
  const search = page.getByRole("region", { name: "Orders needing attention" }).getByLabel("Search");
  await search.fill(orderIds[0]!);
  await expect(table.locator("tbody tr[data-order-id]")).toHaveCount(1);
  await table.getByRole("checkbox", { name: "Select all shown" }).check();
  await expect(page.getByTestId("selected-count")).toHaveText("1 order selected");
  await search.fill("");
  for (const orderId of orderIds.slice(1)) await rowOf(orderId).getByRole("checkbox").check();
  await expect(page.getByTestId("selected-count")).toHaveText("3 orders selected");

  await page.getByTestId("bulk-bar").getByRole("button", { name: "Mark rejected" }).click();
  const bulk = page.getByTestId("attention-table-bulk");
  await expect(bulk).toHaveAttribute("data-decision", "REJECT");
  const preview = bulk.getByTestId("bulk-preview");
  // One line per selected order, each saying what the decision will do to it.
  for (const orderId of orderIds) {
    const line = preview.locator(`tr[data-row-id="${orderId}"]`);
    await expect(line).toHaveAttribute("data-applicable", "true");
    await expect(line.locator("td").nth(2)).not.toBeEmpty();
  }

  // Meanwhile another operator settles the third order: the batch must not act on a state the preview did not show.
  const changed = await trpcMutation(operator, "admin.attention.act", {
    orderId: orderIds[2],
    action: "REJECT",
    reason: "e2e: settled by someone else first",
  });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);

  const form = bulk.getByTestId("attention-table-bulk-form");
  const apply = form.getByRole("button", { name: "Mark rejected: 3 orders" });
  await apply.click();
  await expect(form.getByTestId("error-reason")).toContainText("at least 5 characters");
  await form.getByLabel("Reason (kept in the audit log)").fill("e2e: harbor never received these (it was down)");
  await apply.click();

  const outcomes = bulk.getByTestId("bulk-outcomes");
  await expect(outcomes.locator(`tr[data-row-id="${orderIds[0]}"]`)).toHaveAttribute("data-outcome", "applied");
  await expect(outcomes.locator(`tr[data-row-id="${orderIds[1]}"]`)).toHaveAttribute("data-outcome", "applied");
  const skipped = outcomes.locator(`tr[data-row-id="${orderIds[2]}"]`);
  await expect(skipped).toHaveAttribute("data-outcome", "skipped");
  await expect(skipped.getByTestId("bulk-outcome-message")).not.toBeEmpty();
  await expect(bulk.getByTestId("bulk-summary")).toContainText("2 applied, 1 skipped, 0 failed");

  // Applied and settled orders leave the queue.
  for (const orderId of orderIds) await expect(rowOf(orderId)).toHaveCount(0);
  for (const orderId of orderIds) {
    const detail = await trpcQuery<{ order: { status: string } }>(operator, "admin.orders.detail", { orderId });
    expect(detail.body.result?.data.order.status).toBe("REJECTED");
  }
  await operator.dispose();
});
