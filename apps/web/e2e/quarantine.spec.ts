import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiSession, BOB, OPERATOR, signIn, trpcMutation, trpcQuery } from "./support";

const OPERATORS_ONLY = "This console is for operators. Sign in with an operator account.";

/**
 * Where the worker's receiver listens: `start.ts --fresh` picks a free port, which the console's pipeline view reports.
 */
async function receiverUrl(playwright: Parameters<typeof apiSession>[0], baseURL: string | undefined): Promise<string> {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  try {
    const pipeline = await trpcQuery<{ receiverUrl: string }>(operator, "admin.pipeline");
    expect(pipeline.status, JSON.stringify(pipeline.body)).toBe(200);
    return pipeline.body.result!.data.receiverUrl;
  } finally {
    await operator.dispose();
  }
}

/** Posts an execution with a forged signature to atlas's webhook, which refuses it (401) into the quarantine. */
async function postForgedExecution(request: APIRequestContext, receiver: string) {
  const execId = `e2e-forged-${crypto.randomUUID().slice(0, 8)}`;
  const claimedOrderId = crypto.randomUUID();
  const body = JSON.stringify({
    execId,
    clientOrderId: claimedOrderId,
    brokerOrderId: "X-1",
    symbol: "AAPL",
    side: "BUY",
    quantity: "1",
    price: "1.00",
    executedAt: new Date().toISOString(),
  });
  const refused = await request.post(`${receiver}/brokers/atlas/executions`, {
    data: body,
    headers: {
      "content-type": "application/json",
      "x-meridian-timestamp": String(Date.now()),
      "x-meridian-signature": "0".repeat(64),
    },
  });
  expect(refused.status()).toBe(401);
  return { execId, claimedOrderId, body };
}

test("a wrongly signed execution is refused and the operator finds it in the quarantine with reason SIGNATURE", async ({
  page,
  playwright,
  baseURL,
}) => {
  const { execId, claimedOrderId, body } = await postForgedExecution(
    page.request,
    await receiverUrl(playwright, baseURL),
  );

  await signIn(page, OPERATOR.email, "/admin");
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByTestId("quarantine-count")).toHaveText(/^[1-9]\d*$/);
  await nav.getByRole("link", { name: /Quarantine/ }).click();
  await expect(page).toHaveURL("/admin/quarantine");
  await expect(page.getByRole("heading", { name: "Quarantine" })).toBeVisible();
  await expect(nav.getByRole("link", { name: /Quarantine/ })).toHaveAttribute("aria-current", "page");

  const table = page.getByTestId("quarantine-table");
  const row = table.locator("tbody tr").filter({ has: page.locator(`[title="${execId}"]`) });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-reason-code", "SIGNATURE");
  await expect(row).toHaveAttribute("data-broker-id", "atlas");
  await expect(row.locator('[data-reason-code="SIGNATURE"]')).toHaveText("SIGNATURE");
  await expect(row.getByTestId("quarantine-reason")).toHaveText("signature refused: signature mismatch");
  // The claimed order is not ours: shown, not linked.
  await expect(row.getByTestId("order-link")).toHaveCount(0);
  await expect(row.locator(`[title="${claimedOrderId}: no such order here"]`)).toBeVisible();
  // The body as received, on demand.
  const excerpt = row.getByTestId("quarantine-body");
  await excerpt.locator("summary").click();
  await expect(excerpt.locator("pre")).toHaveText(body);

  // Filters: another reason hides the row, SIGNATURE at atlas shows it again.
  await page.getByLabel("Reason code").selectOption("MALFORMED");
  await expect(row).toHaveCount(0);
  await page.getByLabel("Reason code").selectOption("SIGNATURE");
  await page.getByLabel("Broker").selectOption("atlas");
  await expect(row).toHaveCount(1);
  await expect(table.locator("tbody tr[data-reason-code]:not([data-reason-code='SIGNATURE'])")).toHaveCount(0);

  // Sortable: newest first by default; a click on another column sorts by it instead.
  const timeHeader = table.getByRole("columnheader", { name: /Time/ });
  const codeHeader = table.getByRole("columnheader", { name: /Code/ });
  await expect(timeHeader).toHaveAttribute("aria-sort", "descending");
  await codeHeader.getByRole("button").click();
  await expect(codeHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(timeHeader).not.toHaveAttribute("aria-sort");
});

test("a customer gets the operators-only page and the API refuses the quarantine", async ({ page }) => {
  await signIn(page, BOB.email, "/");
  await page.goto("/admin/quarantine");
  await expect(page.getByText(OPERATORS_ONLY)).toBeVisible();
  await expect(page.getByTestId("quarantine-table")).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Console" })).toHaveCount(0);

  const list = await trpcQuery(page.request, "admin.quarantine.list", {});
  expect(list.status).toBe(403);
  expect(list.body.error?.data?.code).toBe("FORBIDDEN");
  const review = await trpcMutation(page.request, "admin.quarantine.review", {
    key: "callback:1",
    reason: "not mine to review",
  });
  expect(review.status).toBe(403);
  expect(review.body.error?.data?.code).toBe("FORBIDDEN");
});

test("the operator reviews a refused callback with a reason: it leaves the Open list, the nav count drops, Reviewed shows who and why", async ({
  page,
  playwright,
  baseURL,
}) => {
  const { execId } = await postForgedExecution(page.request, await receiverUrl(playwright, baseURL));
  await signIn(page, OPERATOR.email, "/admin");
  const nav = page.getByRole("navigation", { name: "Console" });
  const openCount = nav.getByTestId("quarantine-count");
  await expect(openCount).toHaveText(/^[1-9]\d*$/);
  const openBefore = Number(await openCount.textContent());
  await nav.getByRole("link", { name: /Quarantine/ }).click();
  await expect(page).toHaveURL("/admin/quarantine");

  // The page opens on the entries waiting for a review.
  const status = page.getByLabel("Status", { exact: true });
  await expect(status).toHaveValue("open");
  const table = page.getByTestId("quarantine-table");
  const row = table.locator("tbody tr").filter({ has: page.locator(`[title="${execId}"]`) });
  await expect(row).toHaveAttribute("data-reviewed", "false");
  const key = await row.getAttribute("data-entry-key");
  await row.getByRole("button", { name: "Review" }).click();
  const form = page.getByTestId("review-form");
  await expect(form).toContainText(`Mark reviewed the refused callback ${key} (SIGNATURE)`);

  // A reason is required: the server says so beside the input, and nothing is reviewed.
  await form.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(form.getByTestId("error-reason")).toHaveText(
    "Give a reason of at least 5 characters; it is kept in the audit log.",
  );
  await expect(row).toHaveCount(1);

  const reason = "forged call from an unknown IP, reported to security";
  await form.getByLabel("Reason (kept in the audit log)").fill(reason);
  await form.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(page.getByTestId("review-success")).toContainText(`${key} is marked reviewed ("${reason}")`);
  await expect(form).toHaveCount(0);
  await expect(row).toHaveCount(0);
  await expect(openCount).toHaveText(String(openBefore - 1));

  await status.selectOption("reviewed");
  const reviewedRow = table.locator(`tbody tr[data-entry-key="${key}"]`);
  await expect(reviewedRow).toHaveAttribute("data-reviewed", "true");
  await expect(reviewedRow.getByTestId("reviewed-by")).toHaveText(OPERATOR.email);
  await expect(reviewedRow.getByTestId("review-reason")).toHaveText(reason);
  await expect(reviewedRow.getByRole("button", { name: "Review" })).toHaveCount(0);
  await status.selectOption("all");
  await expect(reviewedRow).toHaveCount(1);

  // A second review is refused with who reviewed it, and changes nothing.
  const again = await trpcMutation(page.request, "admin.quarantine.review", { key, reason: "a second look at it" });
  expect(again.status).toBe(409);
  expect(again.body.error?.message).toContain(`already reviewed by ${OPERATOR.email}`);
  await expect(reviewedRow.getByTestId("review-reason")).toHaveText(reason);
});
