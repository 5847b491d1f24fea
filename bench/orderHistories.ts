// Many random order histories in one run: the model-based test of packages/core/test/orderHistories.test.ts (real
// database, real core code, deterministic model broker) at a scale `npm test` cannot afford. It stops at the first
// failing history, shrinks it, and prints the seed and path that replay it here or in the vitest file.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:histories -- --runs 10000 --seed 42
//   … -- --seed <seed> --path <path>        replays one failure
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { createHarness } from "../packages/core/test/harness";
import { emptyTally, historyProperty } from "../packages/core/test/histories/runHistory";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10000" }, seed: { type: "string" }, path: { type: "string" } } });
const numRuns = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(numRuns) || numRuns < 1 || !Number.isInteger(seed)) {
  console.error("usage: npm run bench:histories -- [--runs N] [--seed S] [--path P]");
  process.exit(2);
}
if (!process.env.DATABASE_URL) console.warn("DATABASE_URL is unset: running on embedded Postgres (PGlite), which is far slower.");

const harness = await createHarness();
const tally = emptyTally();
const started = performance.now();
const details = await fc.check(historyProperty(harness.services, tally), { numRuns, seed, path: values.path });
const seconds = (performance.now() - started) / 1000;
await harness.close();

// Shrinking re-runs histories: the rates count every history run, the runs column only the generated ones.
console.table([
  {
    runs: details.numRuns,
    failures: details.failed ? 1 : 0,
    seed: details.seed,
    seconds: Number(seconds.toFixed(1)),
    "histories/s": Number((tally.histories / seconds).toFixed(1)),
    "steps/s": Number((tally.steps / seconds).toFixed(0)),
    "broker calls": tally.brokerCalls,
  },
]);
console.log("orders settled as:", Object.entries(tally.settledAs).sort(([, a], [, b]) => b - a).map(([status, count]) => `${status} ${count}`).join(", "));
if (details.failed) {
  console.log(fc.defaultReportMessage(details));
  console.log(`replay: npm run bench:histories -- --seed ${details.seed} --path "${details.counterexamplePath}"`);
  process.exit(1);
}
