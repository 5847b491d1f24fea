import { expect, test } from "@playwright/test";
import { ALICE, apiSession, OPERATOR, signIn, trpcMutation } from "./support";

const REASON = "e2e: rehearse both partners failing";

/** Both brokers back to judging calls themselves; a breaker that is not forced answers CONFLICT, which is fine. */
async function releaseBoth(operator: Parameters<typeof trpcMutation>[0]) {
  for (const brokerId of ["atlas", "harbor"]) {
    const released = await trpcMutation(operator, "admin.brokers.releaseBreaker", { brokerId, reason: REASON });
    expect([200, 409], JSON.stringify(released.body)).toContain(released.status);
  }
}

test.afterEach(async ({ playwright, baseURL }) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  await releaseBoth(operator);
  await operator.dispose();
});

test("an operator forces harbor open from the console; with atlas open too, AMZN pauses on alice's ticket and reopens live", async ({
  page,
  browser,
  playwright,
  baseURL,
}) => {
  // The operator forces harbor open on the Brokers page, with a reason.
  const consolePage = await browser.newPage();
  await signIn(consolePage, OPERATOR.email, "/admin");
  await consolePage.goto("/admin/brokers");
  const harbor = consolePage.getByTestId("broker-harbor");
  await expect(harbor.getByTestId("breaker-state")).toHaveAttribute("data-state", /closed|open|half-open/);
  await harbor.getByRole("button", { name: "Force open" }).click();
  await harbor.getByRole("button", { name: "Force open" }).last().click(); // without a reason: refused, nothing forced
  await expect(harbor.getByTestId("error-reason")).toContainText("at least 5 characters");
  await harbor.getByTestId("lever-form").getByLabel("Reason (kept in the audit log)").fill(REASON);
  await harbor.getByTestId("lever-form").getByRole("button", { name: "Force open" }).click();
  await expect(harbor.getByTestId("lever-success")).toHaveText("harbor's breaker is forced open.");
  await expect(harbor.getByTestId("breaker-state")).toHaveAttribute("data-state", "forced-open");
  await expect(harbor.getByTestId("breaker-detail")).toContainText(REASON);

  // Alice's ticket for AMZN (atlas first, harbor its fallback) still trades: atlas takes it.
  await signIn(page, ALICE.email, "/");
  await page.locator('tr[data-symbol="AMZN"]').click();
  await expect(page.getByRole("button", { name: "Buy AMZN" })).toBeEnabled();
  await expect(page.getByTestId("ticket-paused")).toHaveCount(0);

  // atlas forced open too (over the API): no broker can take AMZN; the ticket pauses without a reload.
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  const forced = await trpcMutation(operator, "admin.brokers.forceBreaker", {
    brokerId: "atlas",
    state: "open",
    reason: REASON,
  });
  expect(forced.status, JSON.stringify(forced.body)).toBe(200);
  const paused = page.getByTestId("ticket-paused");
  await expect(paused).toContainText(
    "AMZN trading is paused: our partner broker is not responding. Your existing orders are safe.",
  );
  await expect(page.getByRole("button", { name: "AMZN paused" })).toBeDisabled();

  // The server refuses it too, whatever the page shows, and says so plainly.
  const refused = await trpcMutation(page.request, "orders.place", {
    symbol: "AMZN",
    side: "BUY",
    type: "LIMIT",
    quantity: "1",
    limitPrice: "1.00",
  });
  expect(refused.status).toBe(503);
  expect(refused.body.error?.message).toContain("AMZN trading is paused");

  // atlas released: AMZN reopens on the ticket by itself.
  const released = await trpcMutation(operator, "admin.brokers.releaseBreaker", { brokerId: "atlas", reason: REASON });
  expect(released.status, JSON.stringify(released.body)).toBe(200);
  await expect(page.getByTestId("ticket-paused")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Buy AMZN" })).toBeEnabled();

  // harbor released from the console.
  await harbor.getByRole("button", { name: "Release" }).click();
  await harbor.getByTestId("lever-form").getByLabel("Reason (kept in the audit log)").fill("e2e: rehearsal over");
  await harbor.getByTestId("lever-form").getByRole("button", { name: "Release" }).click();
  await expect(harbor.getByTestId("lever-success")).toHaveText("harbor's breaker is released.");
  await expect(harbor.getByTestId("breaker-state")).not.toHaveAttribute("data-state", "forced-open");
  await operator.dispose();
  await consolePage.close();
});
