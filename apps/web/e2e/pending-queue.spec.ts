import { expect, test } from "@playwright/test";
import { BOB, OPERATOR, signIn } from "./support";

const OPERATORS_ONLY = "This console is for operators. Sign in with an operator account.";
const EXPLANATION =
  "Confirm: the broker shows this order — it keeps its reservation. Cancel: cancel it at the broker — what it holds is released once the broker confirms.";

test("the operator opens the Pending queue from the console header", async ({ page }) => {
  await signIn(page, OPERATOR.email, "/admin");
  const nav = page.getByRole("navigation", { name: "Console" });
  // The badge counts what waits for a decision; on the demo database that is usually nothing.
  await expect(nav.getByTestId("pending-count")).toHaveText(/^\d+$/);

  await nav.getByRole("link", { name: /Pending/ }).click();
  await expect(page).toHaveURL("/admin/pending");
  await expect(page.getByRole("heading", { name: "Pending queue" })).toBeVisible();
  await expect(page.getByTestId("pending-explanation")).toHaveText(EXPLANATION);
  const table = page.getByTestId("pending-table");
  await expect(table).toBeVisible();

  // Either orders waiting for a decision, or the empty queue saying why it is empty.
  await expect(table.locator("tbody tr[data-order-id]").or(page.getByTestId("pending-empty")).first()).toBeVisible();
});

test("a customer gets the operators-only page at /admin/pending", async ({ page }) => {
  await signIn(page, BOB.email, "/");
  await page.goto("/admin/pending");
  await expect(page.getByText(OPERATORS_ONLY)).toBeVisible();
  await expect(page.getByTestId("pending-table")).toHaveCount(0);
  await expect(page.getByText("Pending queue")).toHaveCount(0);
});
