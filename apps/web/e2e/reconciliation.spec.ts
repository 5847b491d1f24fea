import { expect, test } from "@playwright/test";
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

test.afterEach(async ({ playwright, baseURL }) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  await clearBrokerFaults(operator);
  await operator.dispose();
});

test("the operator runs reconciliation for atlas and sees the run in the report", async ({ page }) => {
  await signIn(page, OPERATOR.email, "/admin");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Reconciliation" }).click();
  await expect(page).toHaveURL("/admin/recon");
  await expect(page.getByRole("heading", { name: "Reconciliation" })).toBeVisible();
  await expect(page.getByTestId("recon-items")).toBeVisible();

  await page.getByLabel("Broker").selectOption("atlas");
  await page.getByRole("button", { name: "Run now" }).click();
  const ran = page.getByTestId("recon-ran");
  await expect(ran).toContainText("atlas:");
  const runIds = ((await ran.getAttribute("data-run-ids")) ?? "").split(" ").filter(Boolean);
  expect(runIds).toHaveLength(1);

  const run = page.locator(`[data-testid="recon-runs"] tr[data-run-id="${runIds[0]}"]`);
  await expect(run).toBeVisible();
  await expect(run).toHaveAttribute("data-broker-id", "atlas");
  await expect(run).toContainText("operator:");

  // A run's row narrows the items below to it.
  await run.click();
  await expect(page.getByTestId("run-filter")).toBeVisible();
  await page.getByLabel("Item status").selectOption("");
  await expect(
    page.getByTestId("recon-items").locator("tbody tr[data-item-id]").or(page.getByTestId("recon-items-empty")).first(),
  ).toBeVisible();
});

test("an order harbor never received is proposed for closing, and the operator approves the fix once", async ({
  page,
  playwright,
  baseURL,
}) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  const symbol = (await brokerOverview(operator)).find((broker) => broker.brokerId === "harbor")?.symbols[0];
  expect(symbol, "harbor should have a symbol routed to it").toBeTruthy();
  // Seed the mismatch: submitted (and refused) while harbor was down, given up on, and harbor back up.
  const down = await trpcMutation(operator, "admin.brokers.setFaults", {
    brokerId: "harbor",
    faults: { down: true },
    reason: "e2e: harbor is down",
  });
  expect(down.status, JSON.stringify(down.body)).toBe(200);
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
  await expect
    .poll(
      async () =>
        (
          await trpcQuery<{ orderId: string; status: string }[]>(operator, "admin.attention.list")
        ).body.result?.data.find((row) => row.orderId === orderId)?.status,
      {
        timeout: 90_000,
        message: `order ${orderId} should need attention`,
      },
    )
    .toBe("NEEDS_ATTENTION");
  await clearBrokerFaults(operator);

  await signIn(page, OPERATOR.email, "/admin");
  await page.goto("/admin/recon");
  await page.getByLabel("Broker").selectOption("harbor");
  await page.getByRole("button", { name: "Run now" }).click();
  const ran = page.getByTestId("recon-ran");
  await expect(ran).toContainText("harbor:");
  const [runId] = ((await ran.getAttribute("data-run-ids")) ?? "").split(" ");
  const runRow = page.locator(`[data-testid="recon-runs"] tr[data-run-id="${runId}"]`);
  await expect(runRow.locator('[data-class="MISSING_AT_BROKER"]')).toBeVisible();
  await runRow.click();

  const item = page
    .locator('[data-testid="recon-items"] tr[data-class="MISSING_AT_BROKER"]')
    .filter({ has: page.locator(`a[href="/admin/orders/${orderId}"]`) });
  await expect(item).toHaveAttribute("data-status", "PROPOSED");
  await expect(item).toContainText("Close as rejected");
  const itemId = await item.getAttribute("data-item-id");

  await item.getByRole("button", { name: "Approve" }).click();
  const form = page.getByTestId("recon-form");
  // A run landing while the operator decides (as a scheduled one can) supersedes the item on the screen with its own.
  // The open form stays, says the row left the list, and the decision goes to the newest proposal of that mismatch.
  const rerun = await trpcMutation(operator, "admin.recon.run", { brokerId: "harbor" });
  expect(rerun.status, JSON.stringify(rerun.body)).toBe(200);
  await expect(form.getByTestId("row-left-list")).toBeVisible();
  await form.getByRole("button", { name: "Approve" }).click();
  await expect(form.getByTestId("error-reason")).toContainText("at least 5 characters");
  await form.getByLabel("Reason (kept in the audit log)").fill("e2e: harbor has no such order");
  await form.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("recon-decided")).toContainText("now Applied");
  // The list shows what waits for a decision: the decided item leaves it.
  await expect(item).toHaveCount(0);

  const detail = await trpcQuery<{ order: { status: string } }>(operator, "admin.orders.detail", { orderId });
  expect(detail.body.result?.data.order.status).toBe("REJECTED");
  const again = await trpcMutation(operator, "admin.recon.decide", {
    itemId,
    decision: "APPROVE",
    reason: "e2e: approve it twice",
  });
  expect(again.status).toBe(412);
  expect(again.body.error?.message).toContain("already applied");
  await operator.dispose();
});
