import { expect, test } from "@playwright/test";
import { ALICE, apiSignIn, BOB, OPERATOR, placeFilledMarketOrder, signIn, trpcQuery } from "./support";

const OPERATORS_ONLY = "This console is for operators. Sign in with an operator account.";

test("signed-out visitors are sent to sign in, and the API answers 401", async ({ page, request }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin/);

  const summary = await trpcQuery(request, "account.summary");
  expect(summary.status).toBe(401);
  expect(summary.body.result).toBeUndefined();
  expect(summary.body.error?.data?.code).toBe("UNAUTHORIZED");
});

test("wrong credentials get a message that says what to do", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ALICE.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Email or password" })).toHaveText(
    "Email or password is wrong. Demo logins are printed by `npm start`.",
  );
  await expect(page).toHaveURL(/\/login/);
});

test("bob cannot reach the console or alice's order", async ({ page, playwright, baseURL }) => {
  const alice = await playwright.request.newContext({ baseURL });
  await apiSignIn(alice, ALICE.email);
  const aliceOrderId = await placeFilledMarketOrder(alice, { symbol: "MSFT", side: "BUY", quantity: "1" });
  await alice.dispose();

  await signIn(page, BOB.email, "/");
  await page.goto("/admin");
  await expect(page.getByText(OPERATORS_ONLY)).toBeVisible();
  await expect(page.getByTestId("admin-orders")).toHaveCount(0);

  await page.goto(`/admin/orders/${aliceOrderId}`);
  await expect(page.getByText(OPERATORS_ONLY)).toBeVisible();
  await expect(page.getByText(aliceOrderId)).toHaveCount(0);
  await expect(page.getByText("Alice Kim")).toHaveCount(0);

  // The API itself, with bob's session cookie: alice's order looks exactly like a missing one.
  const byId = await trpcQuery(page.request, "orders.byId", { orderId: aliceOrderId });
  expect(byId.status).toBe(404);
  expect(byId.body.result).toBeUndefined();
  expect(byId.body.error?.data?.code).toBe("NOT_FOUND");
  expect(JSON.stringify(byId.body)).not.toContain(ALICE.accountNo);

  const adminDetail = await trpcQuery(page.request, "admin.orders.detail", { orderId: aliceOrderId });
  expect(adminDetail.status).toBe(403);
  expect(adminDetail.body.result).toBeUndefined();
});

test("repeated wrong passwords lock sign-in for that email, and operators see the attempts", async ({ page }) => {
  // An email of this run's own (no other spec signs in with it, and a rerun against the same server starts afresh);
  // the lockout is the same whether or not the email has an account, so the page cannot tell which it is.
  const email = `lockout-${Date.now()}@demo.meridian`;
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  const banner = page.locator("form").getByRole("alert");
  async function tryPassword(password: string) {
    await page.getByLabel("Password").fill(password);
    const answered = page.waitForResponse((response) => response.url().includes("/api/trpc/auth.login"));
    await page.getByRole("button", { name: "Sign in" }).click();
    await answered;
  }
  for (let attempt = 1; attempt <= 4; attempt++) {
    await tryPassword(`wrong-password-${attempt}`);
    await expect(banner).toHaveText("Email or password is wrong. Demo logins are printed by `npm start`.");
  }
  for (let attempt = 5; attempt <= 6; attempt++) {
    await tryPassword(`wrong-password-${attempt}`);
    await expect(banner).toHaveText("Too many sign-in attempts. Try again in 1 minute.");
  }
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, OPERATOR.email, "/admin");
  const rows = page.getByRole("region", { name: "Recent sign-in failures" }).getByTestId("login-failure-row");
  await expect(rows.filter({ hasText: email })).toHaveCount(6);
  await expect(rows.filter({ hasText: email }).filter({ hasText: "locked out" })).toHaveCount(1);
});
