// Many random order histories in one run: the model-based test of packages/core/test/orderHistories.test.ts (real
// database, real core code, deterministic model broker) at a scale `npm test` cannot afford. A failing history is
// reported with the seed and path that replay it, and the run goes on with the next seed until it has run --runs
// histories; it is not shrunk here (shrinking re-runs dozens of histories per failure). Replaying one with --seed and
// --path shrinks it to a shortest failing history, as MODEL_SEED/MODEL_PATH do in the vitest file.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:histories -- --runs 10000 --seed 42
//   … -- --seed <seed> --path <path>        replays one failure, shrunk
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { createHarness } from "../packages/core/test/harness";
import { HistoryFailure, emptyTally, historyProperty } from "../packages/core/test/histories/runHistory";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "10000" }, seed: { type: "string" }, path: { type: "string" } },
});
const numRuns = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(numRuns) || numRuns < 1 || !Number.isInteger(seed)) {
  console.error("usage: npm run bench:histories -- [--runs N] [--seed S] [--path P]");
  process.exit(2);
}
if (!process.env.DATABASE_URL)
  console.warn("DATABASE_URL is unset: running on embedded Postgres (PGlite), which is far slower.");

interface Found {
  seed: number;
  path: string;
  problem: string;
}

const harness = await createHarness();
const tally = emptyTally();
const property = historyProperty(harness.services, tally);
if (values.path) {
  const details = await fc.check(property, { seed, path: values.path });
  console.log(details.failed ? fc.defaultReportMessage(details) : "the history at that seed and path passes now");
  await harness.close();
  process.exit(details.failed ? 1 : 0);
}

const failures: Found[] = [];
let ran = 0;
const started = performance.now();
// Each segment runs from its own seed until it fails; its failure is replayable by that seed and the printed path.
for (let segmentSeed = seed; ran < numRuns; segmentSeed++) {
  const details = await fc.check(property, { numRuns: numRuns - ran, seed: segmentSeed, endOnFailure: true });
  ran += details.numRuns;
  if (!details.failed) break;
  const error = details.errorInstance;
  const problem = error instanceof HistoryFailure ? error.problems[0]! : String(error);
  failures.push({ seed: segmentSeed, path: details.counterexamplePath ?? "", problem });
  console.log(`failed: ${problem}`);
}
const seconds = (performance.now() - started) / 1000;
await harness.close();

console.table([
  {
    runs: ran,
    failures: failures.length,
    seed,
    seconds: Number(seconds.toFixed(1)),
    "histories/s": Number((tally.histories / seconds).toFixed(1)),
    "steps/s": Number((tally.steps / seconds).toFixed(0)),
    "broker calls": tally.brokerCalls,
  },
]);
console.log(
  "orders settled as:",
  Object.entries(tally.settledAs)
    .sort(([, a], [, b]) => b - a)
    .map(([status, count]) => `${status} ${count}`)
    .join(", "),
);
for (const found of failures)
  console.log(
    `FAILED: ${found.problem}\n  replay and shrink: npm run bench:histories -- --seed ${found.seed} --path "${found.path}"`,
  );
process.exit(failures.length ? 1 : 0);
