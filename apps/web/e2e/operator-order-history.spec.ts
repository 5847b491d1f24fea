import { expect, test } from "@playwright/test";
import { ALICE, apiSignIn, OPERATOR, placeFilledMarketOrder, signIn } from "./support";

test("the operator reads an order's reservation and change history, then its account", async ({
  page,
  playwright,
  baseURL,
}) => {
  const alice = await playwright.request.newContext({ baseURL });
  await apiSignIn(alice, ALICE.email);
  const orderId = await placeFilledMarketOrder(alice, { symbol: "MSFT", side: "BUY", quantity: "1" });
  await alice.dispose();

  await signIn(page, OPERATOR.email, "/admin");
  await page.goto(`/admin/orders/${orderId}`);
  await expect(page.getByTestId("order-id")).toHaveText(orderId);

  // The reservation: a filled buy's TCC transaction was confirmed; its cash fence is on record (the fill closed it).
  const tcc = page.getByRole("region", { name: "Reservation (TCC)" });
  await expect(tcc).toBeVisible();
  await expect(tcc.getByTestId("tcc-status")).toHaveText("CONFIRMED");
  await expect(tcc.locator('tr[data-participant="CASH"]')).toBeVisible();

  // The order row's history: created once, then updated as it moved through its statuses (newest first).
  const history = page.getByRole("region", { name: "Change history" }).getByTestId("change-history");
  await expect(history.locator('tbody tr[data-operation="INSERT"]')).toHaveCount(1);
  await expect(history.locator('tbody tr[data-operation="UPDATE"]').first()).toBeVisible();
  await expect(history.locator('tbody tr[data-operation="UPDATE"] [data-field="status"]').first()).toContainText("→");
  const operations = await history
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-operation")));
  expect(operations.at(-1)).toBe("INSERT");

  await page.getByTestId("account-link").click();
  await expect(page).toHaveURL(/\/admin\/accounts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(ALICE.accountNo);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Alice Kim");

  const usd = page.getByTestId("cash-balances").locator('tr[data-currency="USD"]');
  await expect(usd).toBeVisible();
  await expect(usd).toContainText(/v\d+/);
  await expect(page.getByTestId("holdings").locator('tr[data-symbol="MSFT"]')).toBeVisible();
  await expect(page.getByTestId("points-balance")).toBeVisible();
  await expect(page.getByTestId("ledger").locator("tbody tr").first()).toBeVisible();

  const accountHistory = page.getByRole("region", { name: "Change history" }).getByTestId("change-history");
  await expect(accountHistory.locator('tbody tr[data-entity="cash_balances"]').first()).toBeVisible();
  await expect(accountHistory.locator('tbody tr[data-entity="holdings"]').first()).toBeVisible();
});
