import { expect, test } from "@playwright/test";
import { ALICE, apiSignIn, OPERATOR, placeFilledMarketOrder, signIn } from "./support";

test("the operator finds alice's order and reads its timeline", async ({ page, playwright, baseURL }) => {
  const alice = await playwright.request.newContext({ baseURL });
  await apiSignIn(alice, ALICE.email);
  const orderId = await placeFilledMarketOrder(alice, { symbol: "MSFT", side: "BUY", quantity: "1" });
  await alice.dispose();

  await signIn(page, OPERATOR.email, "/admin");
  await expect(page.getByRole("region", { name: "Orders per minute" })).toBeVisible();

  await page.getByLabel("Account no").fill(ALICE.accountNo);
  await page.getByLabel("Symbol").fill("MSFT");
  const row = page.locator(`[data-testid="admin-orders"] tr[data-order-id="${orderId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute("data-status", "FILLED");
  // Every visible row matches the filters, once the filtered list has replaced the unfiltered one (the grid keeps
  // showing the previous rows while the next request is in flight, so this is polled, not read once).
  await expect
    .poll(async () =>
      page.locator('[data-testid="admin-orders"] tbody tr[data-order-id] td:nth-child(3)').allTextContents(),
    )
    .toEqual(expect.arrayContaining([ALICE.accountNo]));
  await expect
    .poll(
      async () =>
        new Set(
          await page.locator('[data-testid="admin-orders"] tbody tr[data-order-id] td:nth-child(3)').allTextContents(),
        ),
    )
    .toEqual(new Set([ALICE.accountNo]));

  await row.getByTestId("order-link").click();
  await expect(page).toHaveURL(`/admin/orders/${orderId}`);
  await expect(page.getByTestId("order-id")).toHaveText(orderId);
  const timeline = page.getByTestId("timeline");
  await expect(timeline.locator('tr[data-event-kind="PLACED"]')).toBeVisible();
  await expect(timeline.locator('tr[data-event-kind="FILLED"]')).toBeVisible();
  // PLACED comes first, FILLED last.
  const kinds = await timeline
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-event-kind")));
  expect(kinds[0]).toBe("PLACED");
  expect(kinds.at(-1)).toBe("FILLED");
  await expect(page.getByText("Alice Kim")).toBeVisible();
  await expect(page.getByTestId("executions").locator("tbody tr")).not.toHaveCount(0);
});
