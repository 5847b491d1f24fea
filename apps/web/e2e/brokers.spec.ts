import { expect, test, type Locator } from "@playwright/test";
import { apiSession, brokerOverview, clearBrokerFaults, OPERATOR, signIn, trpcMutation } from "./support";

const REASON = "e2e: rehearse a slow overseas link";

test.afterEach(async ({ playwright, baseURL }) => {
  const operator = await apiSession(playwright, baseURL, OPERATOR.email);
  await clearBrokerFaults(operator);
  await operator.dispose();
});

/** An input of a broker card by its label, exactly (the card's chart is labelled with "latency" too). */
function input(card: Locator, name: string) {
  return card.getByRole("textbox", { name, exact: true });
}

async function apply(card: Locator, reason = REASON) {
  await input(card, "Reason (kept in the audit log)").fill(reason);
  await card.getByRole("button", { name: "Apply" }).click();
}

test("the operator changes atlas's faults with a reason; out-of-range values change nothing", async ({ page }) => {
  await signIn(page, OPERATOR.email, "/admin");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Brokers" }).click();
  await expect(page).toHaveURL("/admin/brokers");
  await expect(page.getByRole("heading", { name: "Brokers" })).toBeVisible();

  // The pipeline: the worker reports its transport (polling here: the e2e system runs without Kafka) and each topic.
  const pipeline = page.getByTestId("pipeline-panel");
  await expect(pipeline).toContainText(/polling|kafka/);
  await expect(pipeline).toContainText("executions");
  await expect(pipeline).toContainText("orders.commands.atlas");
  await expect(pipeline).toContainText("orders.commands.harbor");

  const atlas = page.getByTestId("broker-atlas");
  await expect(atlas.getByTestId("lookup")).toHaveText("Yes");
  await expect(page.getByTestId("broker-harbor").getByTestId("lookup")).toHaveText("No");
  await expect(atlas.getByTestId("call-stats")).toBeVisible();
  await expect(atlas.getByTestId("active-faults")).toHaveText("No faults");
  const latency = input(atlas, "Latency");
  await expect(latency).toHaveValue("0");

  // No reason: the server's message shows beside the reason, and the edit stays.
  await latency.fill("120");
  await atlas.getByRole("button", { name: "Apply" }).click();
  await expect(atlas.getByTestId("error-reason")).toContainText("at least 5 characters");
  await expect(latency).toHaveValue("120");

  await apply(atlas);
  await expect(atlas.getByTestId("faults-success")).toHaveText("Applied on atlas: latency 120 ms.");
  await expect(atlas.getByTestId("active-faults")).toHaveText("Faults on: latency 120 ms");
  // Read back from the simulator, not from what the form remembers.
  await page.reload();
  await expect(input(atlas, "Latency")).toHaveValue("120");

  // And back to no latency.
  await input(atlas, "Latency").fill("0");
  await apply(atlas);
  await expect(atlas.getByTestId("faults-success")).toHaveText("Applied on atlas: latency 0 ms.");
  await expect(atlas.getByTestId("active-faults")).toHaveText("No faults");

  // 150 % is refused before it is sent, with a message beside the field; the typed value stays for correcting.
  const dropRate = input(atlas, "Drop response");
  await dropRate.fill("150");
  await apply(atlas);
  await expect(atlas.getByTestId("error-dropResponseRate")).toHaveText("Enter a percentage from 0 to 100.");
  await expect(dropRate).toHaveAttribute("aria-invalid", "true");
  await expect(atlas.getByTestId("faults-error")).toContainText("Nothing was sent");
  await expect(dropRate).toHaveValue("150");
  await expect(atlas.getByTestId("faults-success")).toHaveCount(0);

  // The server is the guard: the same value (and a negative latency) sent directly is refused too.
  for (const faults of [{ dropResponseRate: 1.5 }, { latencyMs: -1 }]) {
    const refused = await trpcMutation(page.request, "admin.brokers.setFaults", {
      brokerId: "atlas",
      faults,
      reason: REASON,
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.error?.data?.code).toBe("BAD_REQUEST");
  }

  // Nothing changed: re-read the card and the API.
  await page.reload();
  await expect(input(atlas, "Drop response")).toHaveValue("0");
  await expect(atlas.getByTestId("active-faults")).toHaveText("No faults");
  const live = (await brokerOverview(page.request)).find((broker) => broker.brokerId === "atlas");
  expect(live?.faults?.dropResponseRate).toBe(0);
  expect(live?.faults?.latencyMs).toBe(0);

  // Rates are percentages on screen and fractions on the wire; then one action clears everything.
  await input(atlas, "5xx").fill("10");
  await atlas.getByRole("checkbox", { name: /^Pause executions/ }).check();
  await apply(atlas);
  await expect(atlas.getByTestId("faults-success")).toHaveText("Applied on atlas: 5xx 10 %, pause executions.");
  await expect(atlas.getByTestId("active-faults")).toHaveText("Faults on: 5xx 10 %, pause executions");
  expect((await brokerOverview(page.request)).find((broker) => broker.brokerId === "atlas")?.faults?.errorRate).toBe(
    0.1,
  );

  await input(atlas, "Reason (kept in the audit log)").fill("e2e: rehearsal over");
  await atlas.getByRole("button", { name: "Clear all faults" }).click();
  await expect(atlas.getByTestId("faults-success")).toHaveText("All faults cleared on atlas.");
  await expect(atlas.getByTestId("active-faults")).toHaveText("No faults");
  await expect(input(atlas, "5xx")).toHaveValue("0");
  await expect(atlas.getByRole("checkbox", { name: /^Pause executions/ })).not.toBeChecked();
});
