import { expect, test, type Page } from "@playwright/test";
import { ALICE, cents, signIn } from "./support";

async function placeMarketOrder(page: Page, side: "Buy" | "Sell", symbol: string, quantity: string): Promise<string> {
  await page.locator(`tr[data-symbol="${symbol}"]`).click();
  await page.getByRole("radio", { name: side }).click();
  await page.getByRole("radio", { name: "Market" }).click();
  await page.getByLabel("Quantity (shares)").fill(quantity);
  await page.getByRole("button", { name: `${side} ${symbol}` }).click();
  const success = page.getByTestId("ticket-success");
  await expect(success).toBeVisible();
  const orderId = await success.getAttribute("data-order-id");
  expect(orderId).toBeTruthy();
  return orderId!;
}

test("alice buys 3 AAPL at market, sees it fill, then sells 1", async ({ page }) => {
  await signIn(page, ALICE.email, "/");
  await expect(page.getByTestId("account-no")).toContainText(ALICE.accountNo);
  await expect(page.getByTestId("user-name")).toHaveText("Alice Kim");

  const position = page.getByTestId("position-qty-AAPL");
  const available = page.getByTestId("cash-available");
  await expect(position).toBeVisible();
  const sharesBefore = Number(await position.textContent());
  const cashBefore = cents(await available.textContent());
  // On the fresh demo database alice starts with 10 AAPL (10 → 13 → 12); other tests trade MSFT, never AAPL, so
  // this holds in any order, and the relative checks below keep it true on a reused server too.
  expect(sharesBefore).toBeGreaterThan(0);

  // Watch all orders, so the order stays in view after it leaves "open".
  await page.getByRole("tab", { name: "All" }).click();

  const buyId = await placeMarketOrder(page, "Buy", "AAPL", "3");
  await expect(page.locator(`tr[data-order-id="${buyId}"]`)).toHaveAttribute("data-status", "FILLED", {
    timeout: 60_000,
  });
  await expect(position).toHaveText(String(sharesBefore + 3));
  await expect.poll(async () => cents(await available.textContent())).toBeLessThan(cashBefore);
  const cashAfterBuy = cents(await available.textContent());

  const sellId = await placeMarketOrder(page, "Sell", "AAPL", "1");
  await expect(page.locator(`tr[data-order-id="${sellId}"]`)).toHaveAttribute("data-status", "FILLED", {
    timeout: 60_000,
  });
  await expect(position).toHaveText(String(sharesBefore + 2));
  await expect.poll(async () => cents(await available.textContent())).toBeGreaterThan(cashAfterBuy);
});
