// The order lifecycle under every order of events a broker link can produce: random histories of submits, accepts,
// rejects, lost answers, 5xx, late requests, duplicate and reordered executions, partial fills, customer cancels,
// recovery sweeps, operator actions and dying workers, run against the real database and the real core code with a
// deterministic model broker (modelBroker.ts). After each history the system is drained and both sides are compared:
// the production invariants hold and every order's status agrees with the broker's record.
//
// Replay a failure with the seed and path fast-check prints:
//   MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run packages/core/test/orderHistories.test.ts
// More histories: MODEL_RUNS=2000, or `npm run bench:histories -- --runs 10000`.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAllInvariants, describeViolation } from "../src/invariants/fullCheck";
import { createHarness, type Harness } from "./harness";
import { historyProperty, replayOptionsFromEnv } from "./histories/runHistory";

const options = replayOptionsFromEnv(process.env, 200);

describe("order histories against a model broker", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it(`${options.numRuns} random histories settle with both sides agreeing`, async () => {
    await fc.assert(historyProperty(h.services), { numRuns: options.numRuns, seed: options.seed, path: options.path });
  }, 600_000);

  it("leaves the whole database consistent", async () => {
    const violations = await checkAllInvariants(h.db.prisma, { graceMs: 0 });
    expect(violations.map(describeViolation)).toEqual([]);
  });
});
