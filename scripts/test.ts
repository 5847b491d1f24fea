// `npm test`: type-check, every vitest suite (unit, integration, cross-process), then the browser tests in Chromium.
// Suites that need a service which is absent are skipped with a printed reason; under CI=true any skip fails the run,
// so CI never passes without running every suite.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const ci = process.env.CI === "true";
const resultsDir = `${root}.data/test-results`;
mkdirSync(resultsDir, { recursive: true });

function step(
  title: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): boolean {
  console.log(`\n▶ ${title}\n  $ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    stdio: "inherit",
  });
  return result.status === 0;
}

const failures: string[] = [];
const skips: string[] = [];

// Formatting first: a file Prettier would change fails the run (fix with `npm run format`).
if (!step("check formatting", "npx", ["prettier", "--check", "."])) failures.push("formatting (run `npm run format`)");
if (!step("generate the Prisma client", "npm", ["run", "generate", "-w", "@meridian/db"]))
  failures.push("prisma generate");
if (!step("type-check every workspace", "npx", ["turbo", "run", "typecheck", "--output-logs=errors-only"]))
  failures.push("typecheck");
// The root project: this script, start.ts and the benchmarks, which no workspace's type-check covers.
if (!step("type-check scripts and benchmarks", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]))
  failures.push("typecheck (scripts, bench)");

if (!process.env.DATABASE_URL) {
  console.log("\nDATABASE_URL is unset: database suites run on embedded Postgres (PGlite).");
  skips.push(
    "the two-transaction late-commit cases of the order feed and the invariant checker (PGlite runs one transaction at a time; set DATABASE_URL)",
  );
}
if (!process.env.REDIS_URL) skips.push("Redis lock suites (set REDIS_URL=redis://127.0.0.1:6379)");
// The Kafka suites (apps/worker/test/kafka*.test.ts) skip themselves without KAFKA_BROKERS; under CI that is a failure.
if (!process.env.KAFKA_BROKERS)
  skips.push(
    "Kafka pipeline suites (start Kafka with `npm run kafka -- --background` and set KAFKA_BROKERS=127.0.0.1:9092)",
  );

const vitestOk = step("vitest: unit, integration and cross-process suites", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile=${resultsDir}/vitest.json`,
]);
const vitest = readJson<{
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}>(`${resultsDir}/vitest.json`);
if (!vitestOk) failures.push("vitest");

let e2e = { passed: 0, failed: 0, skipped: 0 };
if (!existsSync("/usr/bin/chromium")) {
  skips.push("browser tests (install Chromium: apt-get install -y chromium)");
} else {
  const built = step("build the web app", "npm", ["run", "build", "-w", "@meridian/web"]);
  const e2eOk =
    built &&
    step("Playwright: browser tests in Chromium", "npx", ["playwright", "test", "--reporter=list,json"], {
      cwd: `${root}apps/web`,
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: `${resultsDir}/playwright.json` },
    });
  const report = readJson<{ stats: { expected: number; unexpected: number; skipped: number; flaky: number } }>(
    `${resultsDir}/playwright.json`,
  );
  if (report)
    e2e = {
      passed: report.stats.expected + report.stats.flaky,
      failed: report.stats.unexpected,
      skipped: report.stats.skipped,
    };
  if (!e2eOk) failures.push("e2e");
}

const passed = (vitest?.numPassedTests ?? 0) + e2e.passed;
const failed = (vitest?.numFailedTests ?? 0) + e2e.failed;
const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + e2e.skipped;
for (const reason of skips) console.log(`skipped: ${reason}`);
if (ci && (skipped > 0 || skips.length > 0))
  failures.push(`skips under CI (${skipped} tests, ${skips.length} suites): every suite must run in CI`);
if (failures.length) console.log(`\nfailed steps: ${failures.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length || failed ? 1 : 0);

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}
