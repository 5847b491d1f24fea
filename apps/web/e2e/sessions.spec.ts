import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./base-url";
import { ALICE, answerStepUp, apiSession, OPERATOR, signIn, trpcMutation, trpcQuery } from "./support";

const SIGNED_OUT_ELSEWHERE =
  "You were signed out: this session was ended on another device or by Meridian support. Sign in again to continue; if you did not expect this, change your password or contact support.";

test("signing out everywhere in one browser ends the session in the other", async ({ page, browser }) => {
  await signIn(page, ALICE.email, "/");
  const laptop = await browser.newContext();
  try {
    const laptopPage = await laptop.newPage();
    await signIn(laptopPage, ALICE.email, "/");

    // The cookie: HttpOnly, SameSite Lax for a customer, and no more than an opaque sealed id.
    const [cookie] = (await laptop.cookies()).filter((candidate) => candidate.name === "meridian_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(cookie!.value).not.toContain(ALICE.email);

    await laptopPage.getByRole("button", { name: "Sign out everywhere" }).click();
    const confirm = laptopPage.getByTestId("sign-out-everywhere");
    await expect(confirm).toContainText("Every session of yours ends");
    await confirm.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(laptopPage).toHaveURL(/\/login\?ended=everywhere/);
    await expect(laptopPage.getByTestId("session-ended")).toHaveText(
      "You are signed out on every device. Sign in again on each device you use.",
    );

    // The other browser still holds its cookie, and it is refused: by the API, and by its open screen, which sends the
    // person to sign in at its next poll, saying why.
    const summary = await trpcQuery(page.request, "account.summary");
    expect(summary.status).toBe(401);
    expect(summary.body.error?.data?.sessionEnded).toBe("revoked");
    await expect(page).toHaveURL(/\/login\?next=%2F&ended=revoked/);
    await expect(page.getByTestId("session-ended")).toHaveText(SIGNED_OUT_ELSEWHERE);
  } finally {
    await laptop.close();
  }
});

test("a change sent from another site is refused with 403 and changes nothing", async ({ page }) => {
  await signIn(page, ALICE.email, "/");
  const ordersBefore = await trpcQuery<unknown[]>(page.request, "orders.list", { scope: "all", limit: 100 });
  const order = { symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "1.00" };

  const forged = await trpcMutation(
    page.request,
    "orders.place",
    { ...order, idempotencyKey: crypto.randomUUID() },
    { origin: "https://evil.example" },
  );
  expect(forged.status).toBe(403);
  expect(forged.body.error?.message).toContain("sent from another site (https://evil.example)");
  const ordersAfter = await trpcQuery<unknown[]>(page.request, "orders.list", { scope: "all", limit: 100 });
  expect(ordersAfter.body.result?.data).toEqual(ordersBefore.body.result?.data);

  // Queries are GETs and are not affected; the page itself carries the security headers.
  const response = await page.goto("/");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"]).toBeUndefined(); // plain http here
  await expect(page.getByTestId("account-no")).toHaveText(/Account/);
});

test("an operator action asks for the password once, refuses a wrong one, and goes ahead with the right one", async ({
  page,
  playwright,
  baseURL,
}) => {
  await signIn(page, OPERATOR.email, "/admin", { stepUp: false });
  const [cookie] = (await page.context().cookies()).filter((candidate) => candidate.name === "meridian_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });

  try {
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Brokers" }).click();
    const harbor = page.getByTestId("broker-harbor");
    await harbor.getByRole("button", { name: "Set calls / s" }).click();
    const form = harbor.getByTestId("lever-form");
    await form.getByLabel("Calls per second").fill("77");
    await form.getByLabel("Reason (kept in the audit log)").fill("e2e: step-up rehearsal");
    await form.getByRole("button", { name: "Set limit" }).click();

    // Refused until the password is confirmed: the dialog asks, and nothing has changed yet.
    const dialog = await answerStepUp(page, "not-the-password");
    await expect(dialog.getByTestId("step-up-password-error")).toHaveText(
      "That password is wrong. Type the password you sign in with.",
    );
    const overview = await trpcQuery<{ brokerId: string; tps: { limit: number } }[]>(
      page.request,
      "admin.brokers.overview",
    );
    expect(overview.body.result!.data.find((broker) => broker.brokerId === "harbor")?.tps.limit).not.toBe(77);

    await answerStepUp(page);
    await expect(dialog).toHaveCount(0);
    await expect(harbor.getByTestId("lever-success")).toHaveText("harbor may take 77 calls/s from every gateway.");

    // Confirmed for a while: the next action goes through without asking.
    await harbor.getByRole("button", { name: "Set calls / s" }).click();
    await form.getByLabel("Calls per second").fill("");
    await form.getByLabel("Reason (kept in the audit log)").fill("e2e: step-up rehearsal over");
    await form.getByRole("button", { name: "Set limit" }).click();
    await expect(harbor.getByTestId("lever-success")).toContainText("harbor is back to its configured");
    await expect(page.getByRole("dialog", { name: "Confirm your password" })).toHaveCount(0);
  } finally {
    const operator = await apiSession(playwright, baseURL ?? E2E_BASE_URL, OPERATOR.email);
    await trpcMutation(operator, "admin.brokers.setTps", { brokerId: "harbor", tps: null, reason: "e2e: clean up" });
    await operator.dispose();
  }
});

test("an operator revokes a customer's session from the account page, and that browser is signed out", async ({
  page,
  browser,
}) => {
  const customer = await browser.newContext();
  try {
    const customerPage = await customer.newPage();
    await signIn(customerPage, ALICE.email, "/");
    const accountId = (await trpcQuery<{ account: { id: string } }>(customerPage.request, "auth.me")).body.result!.data
      .account.id;

    await signIn(page, OPERATOR.email, "/admin");
    await page.goto(`/admin/accounts/${accountId}`);
    const sessions = page.getByTestId("account-sessions");
    const newest = sessions.locator("tbody tr").first();
    await expect(newest.getByTestId("session-state")).toHaveText("Active");
    await newest.getByRole("button", { name: "Revoke" }).click();
    const form = page.getByTestId("session-revoke-form");
    await form.getByRole("button", { name: "Revoke session" }).click();
    await expect(form.getByTestId("error-reason")).toContainText("at least 5 characters");
    await form.getByLabel("Reason (kept in the audit log)").fill("e2e: customer lost their phone");
    await form.getByRole("button", { name: "Revoke session" }).click();
    await expect(page.getByTestId("session-revoked")).toBeVisible();
    await expect(newest.getByTestId("session-state")).toHaveText("Revoked");

    await expect(customerPage).toHaveURL(/\/login\?next=%2F&ended=revoked/);
    await expect(customerPage.getByTestId("session-ended")).toHaveText(SIGNED_OUT_ELSEWHERE);
  } finally {
    await customer.close();
  }
});
