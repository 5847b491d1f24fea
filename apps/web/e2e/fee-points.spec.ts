import { expect, test, type Locator } from "@playwright/test";
import { ALICE, CHLOE, signIn } from "./support";

/** "5,000" → 5000: points are whole numbers. */
async function points(locator: Locator): Promise<number> {
  const text = ((await locator.textContent()) ?? "").replace(/,/g, "").trim();
  if (!/^\d+$/.test(text)) throw new Error(`not a points amount: ${JSON.stringify(text)}`);
  return Number(text);
}

test("alice pays a limit buy's commission with points, then cancels it and gets them back", async ({ page }) => {
  await signIn(page, ALICE.email, "/");
  // Watch all orders, so the order stays in view after it closes.
  await page.getByRole("tab", { name: "All" }).click();

  const held = page.getByTestId("points-held");
  const available = page.getByTestId("points-available");
  await expect(available).not.toHaveText("—");
  const heldBefore = await points(held);
  const availableBefore = await points(available);
  expect(availableBefore).toBeGreaterThan(0);

  // MSFT (other tests trade it, never AAPL) at $5: far below the market, so it rests at the broker unfilled.
  await page.locator('tr[data-symbol="MSFT"]').click();
  await page.getByRole("radio", { name: "Buy" }).click();
  await page.getByRole("radio", { name: "Limit" }).click();
  await page.getByLabel("Quantity (shares)").fill("200");
  await page.getByLabel("Limit price (USD)").fill("5.00");
  const payWithPoints = page.getByLabel(/Pay commission with points/);
  await expect(payWithPoints).toBeVisible();
  await expect(page.getByText(/Pay commission with points \([\d,]+ available\)/)).toBeVisible();
  await payWithPoints.check();
  await expect(page.getByTestId("ticket-commission")).toHaveText(/points$/);
  await page.getByRole("button", { name: "Buy MSFT" }).click();

  const success = page.getByTestId("ticket-success");
  await expect(success).toBeVisible();
  await expect(page.getByTestId("error-payFeeWithPoints")).toHaveCount(0);
  const orderId = await success.getAttribute("data-order-id");
  expect(orderId).toBeTruthy();

  await expect.poll(() => points(held)).toBeGreaterThan(heldBefore);
  await expect.poll(() => points(available)).toBeLessThan(availableBefore);

  const row = page.locator(`[data-testid="orders-table"] tr[data-order-id="${orderId}"]`);
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toHaveAttribute("data-status", "CANCELLED", { timeout: 60_000 });
  // The points come back when the points service acknowledges the Cancel (sent after the order closed) and the
  // balance is read again: within the summary's refresh.
  await expect(held).toHaveText("0", { timeout: 15_000 });
  await expect.poll(() => points(available), { timeout: 15_000 }).toBe(availableBefore);
});

test("a customer without enough points is told so under the checkbox, and no order is placed", async ({ page }) => {
  // chloe starts with no fee points and trades nothing else in these tests.
  await signIn(page, CHLOE.email, "/");
  await expect(page.getByText("Pay commission with points (0 available)")).toBeVisible();

  await page.locator('tr[data-symbol="MSFT"]').click();
  await page.getByRole("radio", { name: "Buy" }).click();
  await page.getByRole("radio", { name: "Limit" }).click();
  await page.getByLabel("Quantity (shares)").fill("200");
  await page.getByLabel("Limit price (USD)").fill("5.00");
  const payWithPoints = page.getByLabel(/Pay commission with points/);
  await payWithPoints.check();
  await page.getByRole("button", { name: "Buy MSFT" }).click();

  await expect(page.getByTestId("error-payFeeWithPoints")).toContainText(/points/);
  await expect(payWithPoints).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("ticket-error")).toHaveCount(0);
  await expect(page.getByTestId("ticket-success")).toHaveCount(0);
  await expect(page.getByTestId("points-held")).toHaveText("0");
});
