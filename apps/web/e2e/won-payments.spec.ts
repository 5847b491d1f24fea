import { expect, test } from "@playwright/test";
import { customerSaga, setFxDeskFaults, wonIn } from "./fx-support";
import { apiSession, cents, CHLOE, OPERATOR, signIn, trpcMutation, trpcQuery } from "./support";

// chloe holds won (₩100,000,000) and no NVDA; other specs never trade NVDA or touch anyone's won.

test("chloe pays a buy in won: she sees the rate, the won and the policy, and follows it to filled", async ({
  page,
}) => {
  await signIn(page, CHLOE.email, "/");
  const wonAvailable = page.getByTestId("won-available");
  await expect(wonAvailable).toHaveText(/^₩[\d,]+$/);
  await expect(page.getByTestId("usdkrw-mid")).toHaveText(/^₩[\d,]+\.\d{2}$/);
  await expect(page.getByTestId("equity-in-won")).toHaveText(/^₩[\d,]+$/);
  const wonBefore = await wonIn(wonAvailable);

  // A limit above the market fills at once, and the dollars it holds (so the won it costs) do not move with the ask.
  await page.locator('tr[data-symbol="NVDA"]').click();
  await page.getByRole("radio", { name: "Buy" }).click();
  await page.getByRole("radio", { name: "Limit" }).click();
  await page.getByLabel("Quantity (shares)").fill("2");
  await page.getByLabel("Limit price (USD)").fill("300.00");
  await page.getByLabel(/Pay with won/).check();
  await page.getByRole("button", { name: "Review NVDA in won" }).click();

  const review = page.getByTestId("won-review");
  await expect(review.getByTestId("won-review-rate")).toHaveText(/^₩[\d,]+\.\d{2}$/);
  await expect(review.getByTestId("won-review-dollars")).toHaveText(/^\$600\.\d{2}$/);
  await expect(review.getByTestId("won-review-won")).toHaveText(/^₩[\d,]+$/);
  await expect(review.getByTestId("won-review-policy")).toContainText("all your won comes back");
  await expect(review.getByTestId("quote-countdown")).toBeVisible();
  const wonCharged = await wonIn(review.getByTestId("won-review-won"));
  await review.getByRole("button", { name: /^Confirm and pay ₩/ }).click();

  const started = page.getByTestId("started-saga");
  await expect(started).toHaveAttribute("data-status", "COMPLETED", { timeout: 60_000 });
  await expect(started.getByTestId("saga-phase")).toHaveAttribute("data-phase", "filled");
  const sagaId = await started.getAttribute("data-saga-id");
  const listed = page.locator(`[data-testid="fx-sagas"] li[data-saga-id="${sagaId}"]`);
  await expect(listed.getByTestId("saga-phase")).toHaveAttribute("data-phase", "filled");
  await expect(listed.getByTestId("saga-outcome")).toContainText("Bought 2 shares");
  await expect(page.getByTestId("position-qty-NVDA")).toHaveText("2");
  await expect.poll(() => wonIn(wonAvailable)).toBe(wonBefore - wonCharged);
});

test("chloe exchanges ₩1,000,000 for dollars at the rate she was shown", async ({ page }) => {
  await signIn(page, CHLOE.email, "/");
  const wonAvailable = page.getByTestId("won-available");
  const cashAvailable = page.getByTestId("cash-available");
  await expect(wonAvailable).toHaveText(/^₩[\d,]+$/);
  const wonBefore = await wonIn(wonAvailable);
  const cashBefore = cents(await cashAvailable.textContent());

  await page.getByRole("radio", { name: "Won → dollars" }).click();
  await page.getByLabel("Amount to exchange (KRW)").fill("1000000");
  await page.getByRole("button", { name: "Get rate" }).click();
  const quote = page.getByTestId("exchange-quote");
  await expect(quote.getByTestId("exchange-rate")).toHaveText(/^₩[\d,]+\.\d{2}$/);
  await expect(quote.getByTestId("exchange-pay")).toHaveText("₩1,000,000");
  await expect(quote.getByTestId("quote-countdown")).toBeVisible();
  const received = cents(await quote.getByTestId("exchange-receive").textContent());
  expect(received).toBeGreaterThan(0n);
  await quote.getByRole("button", { name: "Exchange ₩1,000,000" }).click();

  const started = page.getByTestId("started-saga");
  await expect(started).toHaveAttribute("data-status", "COMPLETED", { timeout: 30_000 });
  await expect(started.getByTestId("saga-phase")).toHaveAttribute("data-phase", "exchanged");
  await expect(started).toContainText("Exchanged ₩1,000,000 for $");
  await expect.poll(() => wonIn(wonAvailable)).toBe(wonBefore - 1_000_000n);
  await expect.poll(async () => cents(await cashAvailable.textContent())).toBe(cashBefore + received);
});

test("an operator retries a refund the FX desk failed while down, and the saga ends compensated", async ({
  page,
  playwright,
  baseURL,
}) => {
  const chloe = await apiSession(playwright, baseURL, CHLOE.email);
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  try {
    // A won-paid limit buy far below the market: it rests at the broker until chloe cancels it.
    const order = { symbol: "NVDA", side: "BUY", type: "LIMIT", quantity: "3", limitPrice: "5.00" };
    const preview = await trpcMutation<{ quote: { quoteId: string }; wonNeeded: string }>(
      chloe,
      "fx.previewBuyWithWon",
      order,
    );
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const { quote, wonNeeded } = preview.body.result!.data;
    const started = await trpcMutation<{ id: string }>(chloe, "fx.buyWithWon", {
      order,
      quoteId: quote.quoteId,
      maxWon: wonNeeded,
      idempotencyKey: crypto.randomUUID(),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const sagaId = started.body.result!.data.id;
    await expect.poll(async () => (await customerSaga(chloe, sagaId))?.phase, { timeout: 30_000 }).toBe("placed");
    const orderId = (await customerSaga(chloe, sagaId))!.orderId!;
    await expect
      .poll(
        async () => (await trpcQuery<{ status: string }>(chloe, "orders.byId", { orderId })).body.result?.data.status,
      )
      .toBe("ACCEPTED");

    // The desk goes down, then the order is cancelled: the refund of the unused dollars cannot reach the desk.
    await setFxDeskFaults(operator, { down: true }, "e2e: the FX desk is down while the order is cancelled");
    const cancelled = await trpcMutation(chloe, "orders.cancel", { orderId });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await expect
      .poll(async () => (await customerSaga(chloe, sagaId))?.status, { timeout: 60_000 })
      .toBe("NEEDS_OPERATOR");

    await signIn(page, OPERATOR.email, "/admin");
    await page.getByRole("link", { name: /^Sagas/ }).click();
    await expect(page.getByTestId("saga-count-NEEDS_OPERATOR")).not.toHaveText("0");
    await page.getByLabel("Status", { exact: true }).selectOption("NEEDS_OPERATOR");
    const row = page.locator(`[data-testid="sagas-table"] tr[data-saga-id="${sagaId}"]`);
    await expect(row).toHaveAttribute("data-status", "NEEDS_OPERATOR");
    await expect(row).toContainText("refund delayed");
    await row.getByTestId("saga-link").click();
    await expect(page).toHaveURL(`/admin/sagas/${sagaId}`);

    const steps = page.getByTestId("saga-steps");
    await expect(steps.locator("tbody tr[data-step]").first()).toHaveAttribute("data-kind", "FORWARD");
    const refund = steps.locator('tr[data-step="RETURN_UNUSED_DOLLARS"]');
    await expect(refund).toHaveAttribute("data-status", "WAITING_OPERATOR");
    await expect(refund).toHaveAttribute("data-kind", "COMPENSATION");

    // A reason too short is refused by the server, which says what it needs.
    await refund.getByRole("button", { name: "Retry now" }).click();
    const form = page.getByTestId("compensation-form");
    await form.getByLabel(/Reason/).fill("ok");
    await form.getByRole("button", { name: "Retry now" }).click();
    await expect(form.getByTestId("error-reason")).toContainText("at least 5 characters");

    await setFxDeskFaults(operator, { down: false }, "e2e: the FX desk is back up");
    await expect.poll(async () => (await trpcQuery(chloe, "fx.rate")).status).toBe(200);
    await form.getByLabel(/Reason/).fill("FX desk is back up: return the unused dollars");
    await form.getByRole("button", { name: "Retry now" }).click();
    await expect(page.getByTestId("compensation-success")).toContainText("RETURN_UNUSED_DOLLARS");
    await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "COMPENSATED", { timeout: 30_000 });
    await expect(refund).toHaveAttribute("data-status", "DONE");
    await expect(page.getByTestId("saga-outcome")).toContainText("went back to won");

    // The order's own page says it was paid in won and leads back to its saga; its timeline has the saga's part.
    await page.goto(`/admin/orders/${orderId}`);
    await expect(page.getByTestId("order-saga-link")).toContainText("Won (saga compensated)");
    await expect(page.locator('[data-testid="timeline"] [data-event-kind="WON_REFUNDED"]')).toHaveCount(1);
    await page.getByTestId("order-saga-link").click();
    await expect(page).toHaveURL(`/admin/sagas/${sagaId}`);

    // The desk's report and our books agree on every conversion of the day, the reversal included.
    await page.goto("/admin/sagas");
    await expect(page.getByTestId("fx-recon")).toContainText("no disagreement");
  } finally {
    // Not asserted: a failure above is the one to report.
    await trpcMutation(operator, "admin.brokers.setFaults", {
      brokerId: "fxdesk",
      faults: { down: false },
      reason: "e2e: leave the FX desk without faults",
    });
    await chloe.dispose();
    await operator.dispose();
  }
});
