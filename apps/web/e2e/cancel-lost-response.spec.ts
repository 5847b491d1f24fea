import { expect, test } from "@playwright/test";
import { apiSession, BOB, cents, clearBrokerFaults, OPERATOR, signIn, trpcMutation } from "./support";

// The broker cancels the order but its answer is lost; the retried cancel hears "too late: the order is CANCELLED".
// The customer must see the order CANCELLED and the cash it held back in their buying power — never the order
// reopened as working with the cash still held.
test("a cancel whose answer was lost ends CANCELLED, with the cash released", async ({ page, playwright, baseURL }) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  try {
    await signIn(page, BOB.email, "/");
    await page.getByRole("tab", { name: "All" }).click();
    const available = page.getByTestId("cash-available");
    await expect(available).toBeVisible();
    const cashBefore = cents(await available.textContent());

    // A limit far below the market: the broker accepts it and keeps it working.
    await page.locator('tr[data-symbol="AAPL"]').click();
    await page.getByRole("radio", { name: "Buy" }).click();
    await page.getByRole("radio", { name: "Limit" }).click();
    await page.getByLabel("Quantity (shares)").fill("1");
    await page.getByLabel("Limit price (USD)").fill("1.00");
    await page.getByRole("button", { name: "Buy AAPL" }).click();
    const orderId = await page.getByTestId("ticket-success").getAttribute("data-order-id");
    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    await expect(row).toHaveAttribute("data-status", "ACCEPTED", { timeout: 60_000 });
    await expect.poll(async () => cents(await available.textContent())).toBeLessThan(cashBefore);

    // Every answer from atlas is now lost on the way back, though atlas acts on each request.
    const drop = await trpcMutation(operator, "admin.brokers.setFaults", {
      brokerId: "atlas",
      faults: { dropResponseRate: 1 },
      reason: "e2e: lose the cancel's answer",
    });
    expect(drop.status, JSON.stringify(drop.body)).toBe(200);
    await row.getByRole("button", { name: "Cancel" }).click();
    await expect(row).toHaveAttribute("data-status", "PENDING_CANCEL");
    // The cancel reaches atlas (which cancels the order) and its answer is dropped; then answers flow again.
    await page.waitForTimeout(3_000);
    const restore = await trpcMutation(operator, "admin.brokers.setFaults", {
      brokerId: "atlas",
      faults: { dropResponseRate: 0 },
      reason: "e2e: answers flow again",
    });
    expect(restore.status, JSON.stringify(restore.body)).toBe(200);

    // The retried cancel hears "too late: CANCELLED" — and the order closes as CANCELLED, live, without a reload.
    await expect(row).toHaveAttribute("data-status", "CANCELLED", { timeout: 60_000 });
    await expect.poll(async () => cents(await available.textContent()), { timeout: 15_000 }).toBe(cashBefore);
  } finally {
    await clearBrokerFaults(operator);
    await operator.dispose();
  }
});
