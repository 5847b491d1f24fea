import { expect, test } from "@playwright/test";
import {
  apiSession,
  BOB,
  brokerOverview,
  CHLOE,
  clearBrokerFaults,
  OPERATOR,
  signIn,
  trpcMutation,
  trpcQuery,
} from "./support";

const OPERATORS_ONLY = "This console is for operators. Sign in with an operator account.";

type AttentionRow = { orderId: string; status: string; submitAttempts: number };

test.afterEach(async ({ playwright, baseURL }) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  await clearBrokerFaults(operator);
  await operator.dispose();
});

test("the operator opens the attention queue from the console header", async ({ page }) => {
  await signIn(page, OPERATOR.email, "/admin");
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByTestId("attention-count")).toHaveText(/^\d+$/);

  await nav.getByRole("link", { name: /Attention/ }).click();
  await expect(page).toHaveURL("/admin/attention");
  await expect(page.getByRole("heading", { name: "Attention queue" })).toBeVisible();
  await expect(nav.getByRole("link", { name: /Attention/ })).toHaveAttribute("aria-current", "page");
  // One line per action, saying what it does.
  const explanation = page.getByTestId("attention-explanation");
  await expect(explanation.locator("li")).toHaveCount(3);
  await expect(explanation.locator('li[data-action="RETRY"]')).toContainText("same order id");
  await expect(explanation.locator('li[data-action="REJECT"]')).toContainText("release what it holds");
  await expect(explanation.locator('li[data-action="CANCEL"]')).toContainText("cancel to the broker");

  const table = page.getByTestId("attention-table");
  await expect(table.locator("tbody tr[data-order-id]").or(page.getByTestId("attention-empty")).first()).toBeVisible();
});

test("a customer gets the operators-only page on the new console pages", async ({ page }) => {
  await signIn(page, BOB.email, "/");
  for (const path of ["/admin/attention", "/admin/brokers", "/admin/recon"]) {
    await page.goto(path);
    await expect(page.getByText(OPERATORS_ONLY)).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Console" })).toHaveCount(0);
  }
  await expect(page.getByTestId("attention-table")).toHaveCount(0);

  const overview = await trpcQuery(page.request, "admin.brokers.overview");
  expect(overview.status).toBe(403);
  const setFaults = await trpcMutation(page.request, "admin.brokers.setFaults", {
    brokerId: "atlas",
    faults: { down: true },
    reason: "a customer trying",
  });
  expect(setFaults.status).toBe(403);
});

test("an order sent while harbor is down waits in the queue until the operator marks it rejected", async ({
  page,
  playwright,
  baseURL,
}) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  const harbor = (await brokerOverview(operator)).find((broker) => broker.brokerId === "harbor");
  const symbol = harbor?.symbols[0];
  expect(symbol, "harbor should have a symbol routed to it").toBeTruthy();
  const down = await trpcMutation(operator, "admin.brokers.setFaults", {
    brokerId: "harbor",
    faults: { down: true },
    reason: "e2e: harbor is down",
  });
  expect(down.status, JSON.stringify(down.body)).toBe(200);

  // A limit order: with harbor down there is no live quote to price a market order by.
  const chloe = await apiSession(playwright, baseURL, CHLOE.email);
  const placed = await trpcMutation<{ id: string }>(chloe, "orders.place", {
    symbol,
    side: "BUY",
    type: "LIMIT",
    limitPrice: "1.00",
    quantity: "1",
    idempotencyKey: crypto.randomUUID(),
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  const orderId = placed.body.result!.data.id;
  await chloe.dispose();

  // Every attempt answers 503: the gateway retries with backoff, then gives up and leaves it to an operator.
  await expect
    .poll(
      async () =>
        (await trpcQuery<AttentionRow[]>(operator, "admin.attention.list")).body.result?.data.find(
          (row) => row.orderId === orderId,
        )?.status,
      {
        timeout: 90_000,
        message: `order ${orderId} should need attention`,
      },
    )
    .toBe("NEEDS_ATTENTION");

  await signIn(page, OPERATOR.email, "/admin");
  await page.goto("/admin/attention");
  const row = page.locator(`[data-testid="attention-table"] tr[data-order-id="${orderId}"]`);
  await expect(row).toHaveAttribute("data-status", "NEEDS_ATTENTION");
  await expect(row).toContainText("harbor");
  await expect(row).toContainText("retries used up");
  const attempts = Number(await row.getByTestId("attempt-count").textContent());
  expect(attempts).toBeGreaterThan(1);

  // The attempt history folds out under the row.
  await row.getByTestId("attempts-toggle").click();
  const history = page.getByTestId("attempt-history");
  await expect(history.locator('tr[data-event-kind="GAVE_UP"]')).toHaveCount(1);
  await expect(history.locator('tr[data-event-kind="OUTCOME_UNKNOWN"]').first()).toBeVisible();

  // Harbor answers again: marking rejected needs its own record (its daily report) to show it has no such order.
  const up = await trpcMutation(operator, "admin.brokers.setFaults", {
    brokerId: "harbor",
    faults: { down: false },
    reason: "e2e: harbor is back",
  });
  expect(up.status, JSON.stringify(up.body)).toBe(200);

  await row.getByRole("button", { name: "Mark rejected" }).click();
  const form = page.getByTestId("attention-form");
  await expect(form).toHaveAttribute("data-action", "REJECT");
  await form.getByRole("button", { name: "Mark rejected" }).click();
  await expect(form.getByTestId("error-reason")).toContainText("at least 5 characters");

  await form.getByLabel("Reason (kept in the audit log)").fill("e2e: harbor never received it (down)");
  await form.getByRole("button", { name: "Mark rejected" }).click();
  await expect(page.getByTestId("attention-success")).toContainText("it is now Rejected");
  await expect(row).toHaveCount(0);

  const detail = await trpcQuery<{ order: { status: string } }>(operator, "admin.orders.detail", { orderId });
  expect(detail.body.result?.data.order.status).toBe("REJECTED");
  // Once settled, it is no longer the queue's to act on: nothing changes.
  const again = await trpcMutation(operator, "admin.attention.act", {
    orderId,
    action: "RETRY",
    reason: "e2e: too late to retry",
  });
  expect(again.status).toBe(412);
  expect(again.body.error?.message).toContain("not waiting for an operator");
  await operator.dispose();
});
