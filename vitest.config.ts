import { defineConfig } from "vitest/config";

// Every workspace's vitest suite, run as one. Browser tests are Playwright's (apps/web/e2e), run by scripts/test.ts.
export default defineConfig({
  test: {
    projects: ["packages/db", "packages/core", "apps/broker", "apps/worker", "apps/points"],
  },
});
