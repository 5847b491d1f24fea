import { defineConfig, devices } from "@playwright/test";
import { E2E_BASE_URL, E2E_PORT } from "./e2e/base-url";

// E2E_PORT lets a second run (another checkout, another terminal) use its own web port; brokers and the database of
// `start.ts --fresh` are already private to each run.
const port = E2E_PORT;
const baseURL = E2E_BASE_URL;

export default defineConfig({
  testDir: "./e2e",
  // The tests share one running system and one demo database: run them one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    ...devices["Desktop Chrome"],
    baseURL,
    viewport: { width: 1440, height: 900 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Debian's chromium: Playwright's own browser downloads do not work on these machines.
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  // `next start` serves the last `next build`: build apps/web before running the suite.
  webServer: {
    command: "cd ../.. && npx tsx scripts/start.ts --fresh",
    url: `${baseURL}/api/health`,
    env: {
      WEB_PORT: port,
      // A refund the FX desk keeps failing reaches the Sagas page after two quick tries, not eight slow ones.
      SAGA_COMPENSATION_MAX_ATTEMPTS: "2",
      SAGA_RETRY_BASE_MS: "300",
      SAGA_RETRY_CAP_MS: "1000",
      // The reconciliation specs run it with "Run now"; a scheduled run landing between that and the page's list would
      // supersede the item the spec is looking at.
      RECON_INTERVAL_MS: "3600000",
    },
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    stderr: "pipe",
  },
});
