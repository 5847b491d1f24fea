import { defineConfig, devices } from "@playwright/test";

// E2E_PORT lets a second run (another checkout, another terminal) use its own web port; brokers and the database of
// `start.ts --fresh` are already private to each run.
const port = process.env.E2E_PORT ?? "3100";
const baseURL = `http://127.0.0.1:${port}`;
// The FX desk the system under test uses, at a port the specs know, so they can flip its fault switches
// (e2e/fx-support.ts reads the same variable). `start.ts --fresh` gives the brokers a free port of their own and does
// not tell the web and the worker where its desk is; until it does, a simulator of our own serves the desk here.
const fxDeskPort = process.env.E2E_FX_DESK_PORT ?? "4100";
const fxDeskUrl = `http://127.0.0.1:${fxDeskPort}/fxdesk`;

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
  webServer: [
    {
      command: "cd ../.. && npx tsx apps/broker/src/main.ts",
      url: `http://127.0.0.1:${fxDeskPort}/health`,
      env: {
        BROKER_PORT: fxDeskPort,
        BROKER_WEBHOOK_SECRET_ATLAS: "e2e-fx-desk-only-no-orders-reach-these-brokers",
        BROKER_WEBHOOK_SECRET_HARBOR: "e2e-fx-desk-only-no-orders-reach-these-brokers",
      },
      timeout: 60_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "cd ../.. && npx tsx scripts/start.ts --fresh",
      url: `${baseURL}/api/health`,
      env: {
        WEB_PORT: port,
        FX_DESK_URL: fxDeskUrl,
        // A refund the FX desk keeps failing reaches the Sagas page after two quick tries, not eight slow ones.
        SAGA_COMPENSATION_MAX_ATTEMPTS: "2",
        SAGA_RETRY_BASE_MS: "300",
        SAGA_RETRY_CAP_MS: "1000",
      },
      timeout: 300_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
