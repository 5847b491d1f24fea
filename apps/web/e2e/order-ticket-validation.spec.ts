import { expect, test, type Page } from "@playwright/test";
import { ALICE, signIn } from "./support";

async function orderRowCount(page: Page) {
  return page.locator('[data-testid="orders-table"] tbody tr[data-order-id]').count();
}

test("bad ticket input shows a clear error and places no order", async ({ page }) => {
  await signIn(page, ALICE.email, "/");
  await page.getByRole("tab", { name: "All" }).click();
  await expect(page.getByTestId("orders-table")).toHaveAttribute("data-scope", "all");
  // Let the first poll settle, then remember how many orders alice has.
  await page.waitForTimeout(1500);
  const before = await orderRowCount(page);

  await page.locator('tr[data-symbol="AAPL"]').click();
  await page.getByRole("radio", { name: "Buy" }).click();
  const quantity = page.getByLabel("Quantity (shares)");
  const submit = page.getByRole("button", { name: "Buy AAPL" });

  // Zero shares.
  await page.getByRole("radio", { name: "Market" }).click();
  await quantity.fill("0");
  await submit.click();
  await expect(page.getByTestId("error-quantity")).toContainText("at least 1 share");
  await expect(quantity).toHaveAttribute("aria-invalid", "true");

  // A fraction of a share.
  await quantity.fill("1.5");
  await submit.click();
  await expect(page.getByTestId("error-quantity")).toContainText("whole number of shares");

  // A limit order without a price.
  await page.getByRole("radio", { name: "Limit" }).click();
  await page.getByLabel("Limit price (USD)").fill("");
  await quantity.fill("1");
  await submit.click();
  await expect(page.getByTestId("error-limitPrice")).toContainText("needs a limit price");

  // More than alice's cash can pay for.
  await page.getByRole("radio", { name: "Market" }).click();
  await quantity.fill("100000");
  await submit.click();
  const problem = page.getByTestId("ticket-error").or(page.getByTestId("error-quantity"));
  await expect(problem).toBeVisible();
  await expect(problem).toContainText(/buying power|cash/i);

  await expect(page.getByTestId("ticket-success")).toHaveCount(0);
  await page.waitForTimeout(1500);
  expect(await orderRowCount(page)).toBe(before);
});
