// The shared breaker's promises, for both adapters: failures seen through any gateway open it for every gateway, the
// window slides, half-open lets exactly the permitted trials through across processes, forced states win, lost trials
// do not wedge it, stale outcomes do not count. A model-based test then drives the Redis adapter (the Lua mirror) and
// the memory adapter (the rules themselves) through the same random histories and requires the same answers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Redis } from "ioredis";
import {
  memoryBreaker,
  redisBreaker,
  type BreakerSettings,
  type Permission,
  type SharedBreaker,
} from "./circuitBreaker";

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn("REDIS_URL is unset: the Redis breaker suites are skipped (CI sets it; a skip fails CI)");

const SETTINGS: BreakerSettings = {
  windowSeconds: 10,
  minimumCalls: 10,
  failureRateThreshold: 0.5,
  slowCallDurationMs: 2000,
  slowCallRateThreshold: 0.8,
  waitInOpenMs: 10_000,
  permittedCallsInHalfOpen: 3,
};
const T0 = 1_800_000_000_000;
const OK = { ok: true, durationMs: 50 };
const FAIL = { ok: false, durationMs: 50 };
const SLOW = { ok: true, durationMs: 2500 };
const BROKER = "atlas";

/** Two gateway processes' views of one broker's breaker. */
interface Gateways {
  a: SharedBreaker;
  b: SharedBreaker;
}

let connections: [Redis, Redis] | undefined;
const prefixes: string[] = [];
const newPrefix = () => {
  const prefix = `meridian-test-${crypto.randomUUID()}:flow:breaker`;
  prefixes.push(prefix);
  return prefix;
};

beforeAll(() => {
  if (redisUrl) connections = [new Redis(redisUrl), new Redis(redisUrl)];
});
afterEach(async () => {
  if (connections) for (const prefix of prefixes.splice(0)) await dropKeys(connections[0], prefix);
});
afterAll(async () => {
  await Promise.all((connections ?? []).map((connection) => connection.quit()));
});

async function dropKeys(redis: Redis, prefix: string) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

const adapters: [string, boolean, (settings: BreakerSettings) => Gateways][] = [
  [
    "memory breaker",
    true,
    (settings) => {
      // Without Redis each process has its own breaker, so both "gateways" of one process are the same instance.
      const breaker = memoryBreaker(settings);
      return { a: breaker, b: breaker };
    },
  ],
  [
    "Redis breaker",
    Boolean(redisUrl),
    (settings) => {
      const prefix = newPrefix(); // one key space per test
      const [first, second] = connections!;
      return { a: redisBreaker(first, settings, { prefix }), b: redisBreaker(second, settings, { prefix }) };
    },
  ],
];

function allowed(permission: Permission) {
  if (!permission.allowed) throw new Error(`expected an allowed call, got ${JSON.stringify(permission)}`);
  return permission;
}

/** Acquires and records one call through `via`. */
async function call(via: SharedBreaker, outcome: { ok: boolean; durationMs: number }, now: number, brokerId = BROKER) {
  return via.record(brokerId, allowed(await via.acquire(brokerId, now)), outcome, now);
}

/** Ten failures at `at`, alternating gateways: the breaker opens at `at`. */
async function trip({ a, b }: Gateways, at = T0) {
  for (let i = 0; i < 10; i++) await call(i % 2 ? b : a, FAIL, at);
  expect((await b.view(BROKER, at)).state).toBe("open");
}

/** Takes the permitted trials once the wait has elapsed. */
async function takeTrials({ a, b }: Gateways, at: number) {
  return [await a.acquire(BROKER, at), await b.acquire(BROKER, at), await a.acquire(BROKER, at)].map(allowed);
}

describe.each(adapters)("%s", (_name, enabled, gatewaysFor) => {
  it.runIf(enabled)("opens for every gateway once 60% of the window's calls fail", async () => {
    const { a, b } = gatewaysFor(SETTINGS);
    const outcomes = [OK, FAIL, OK, FAIL, OK, FAIL, OK, FAIL, FAIL, FAIL];
    const transitions = [];
    for (const [i, outcome] of outcomes.entries()) transitions.push(await call(i % 2 ? b : a, outcome, T0 + i * 100));

    // 5 of 9 (56%) failed before the tenth call, but no verdict comes before minimumCalls.
    expect(transitions.slice(0, 9)).toEqual(Array(9).fill(null));
    expect(transitions[9]).toEqual({
      from: "closed",
      to: "open",
      reason: "failure rate 60% ≥ 50% over 10 calls",
      at: T0 + 900,
    });
    // b recorded the opening failure; a refuses at once.
    expect(await a.acquire(BROKER, T0 + 900)).toEqual({
      allowed: false,
      state: "open",
      forced: false,
      retryAfterMs: 10_000,
    });
    expect(await a.view(BROKER, T0 + 900)).toMatchObject({ state: "open", since: T0 + 900, forced: null });
  });

  it.runIf(enabled)("never opens below minimumCalls, and calls that slid out of the window stop counting", async () => {
    const { a, b } = gatewaysFor(SETTINGS);
    for (let i = 0; i < 9; i++) await call(i % 2 ? b : a, FAIL, T0);
    expect(await b.view(BROKER, T0)).toMatchObject({ state: "closed", calls: 9, failureRate: 1 });
    expect(allowed(await b.acquire(BROKER, T0 + 1)).trial).toBe(false);

    // Ten seconds on, the first second's bucket has left the 10-second window: one call, no verdict.
    expect(await call(a, FAIL, T0 + 10_000)).toBeNull();
    expect(await a.view(BROKER, T0 + 10_000)).toMatchObject({ state: "closed", calls: 1 });

    // Within the window the same failures add up and open it.
    const { a: c } = gatewaysFor(SETTINGS);
    for (let i = 0; i < 9; i++) await call(c, FAIL, T0);
    expect(await call(c, FAIL, T0 + 9_999)).toMatchObject({
      to: "open",
      reason: "failure rate 100% ≥ 50% over 10 calls",
    });
  });

  it.runIf(enabled)("opens on the slow-call rate when calls succeed but slowly", async () => {
    const { a, b } = gatewaysFor(SETTINGS);
    const outcomes = [SLOW, SLOW, SLOW, SLOW, OK, SLOW, SLOW, SLOW, OK, SLOW];
    const transitions = [];
    for (const [i, outcome] of outcomes.entries()) transitions.push(await call(i % 2 ? b : a, outcome, T0));
    expect(transitions[9]).toEqual({
      from: "closed",
      to: "open",
      reason: "slow-call rate 80% ≥ 80% over 10 calls (slower than 2000ms)",
      at: T0,
    });
    expect((await a.acquire(BROKER, T0 + 1)).allowed).toBe(false);
  });

  it.runIf(enabled)("lets exactly the permitted trials through when 50 acquires race across gateways", async () => {
    const gateways = gatewaysFor(SETTINGS);
    await trip(gateways);
    expect(await gateways.a.acquire(BROKER, T0 + 9_999)).toMatchObject({ allowed: false, retryAfterMs: 1 });

    const at = T0 + 10_000;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? gateways.b : gateways.a).acquire(BROKER, at)),
    );
    const trials = answers.filter((answer) => answer.allowed);
    expect(trials).toHaveLength(3);
    expect(trials.every((trial) => trial.trial && trial.generation === trials[0]!.generation)).toBe(true);
    expect(trials.flatMap((trial) => trial.transition ?? [])).toEqual([
      { from: "open", to: "half-open", reason: "wait in open elapsed (10000ms)", at },
    ]);
    expect(answers.filter((answer) => !answer.allowed)).toEqual(
      Array(47).fill({ allowed: false, state: "half-open", forced: false, retryAfterMs: 10_000 }),
    );
    expect(await gateways.b.view(BROKER, at)).toMatchObject({ state: "half-open", trialsInFlight: 3 });
  });

  it.runIf(enabled)("hands out only the remaining trials when acquires race in half-open", async () => {
    const gateways = gatewaysFor(SETTINGS);
    await trip(gateways);
    const at = T0 + 10_000;
    const first = allowed(await gateways.a.acquire(BROKER, at)); // open → half-open, the first trial
    const answers = await Promise.all(
      Array.from({ length: 49 }, (_, i) => (i % 2 ? gateways.b : gateways.a).acquire(BROKER, at + 1)),
    );
    const trials = answers.filter((answer) => answer.allowed);
    expect(trials).toEqual(Array(2).fill({ allowed: true, trial: true, generation: first.generation }));
    expect(await gateways.b.view(BROKER, at + 1)).toMatchObject({ trialsInFlight: 3 });
  });

  const verdicts: [string, (typeof OK)[], string, string][] = [
    ["all trials succeed", [OK, OK, OK], "closed", "all 3 trial calls succeeded"],
    [
      "one of three trials fails (33% < 50%)",
      [OK, FAIL, OK],
      "closed",
      "failure rate 33% < 50% and slow-call rate 0% < 80% over 3 trial calls",
    ],
    ["two of three trials fail (67% ≥ 50%)", [FAIL, OK, FAIL], "open", "failure rate 67% ≥ 50% over 3 trial calls"],
  ];
  it.runIf(enabled).each(verdicts)("judges half-open after the last trial: %s", async (_, outcomes, to, reason) => {
    const gateways = gatewaysFor(SETTINGS);
    await trip(gateways);
    const at = T0 + 10_000;
    const trials = await takeTrials(gateways, at);
    const recorded = [];
    for (const [i, trial] of trials.entries())
      recorded.push(await (i % 2 ? gateways.b : gateways.a).record(BROKER, trial, outcomes[i]!, at + 100 + i));
    expect(recorded).toEqual([null, null, { from: "half-open", to, reason, at: at + 102 }]);

    const view = await gateways.a.view(BROKER, at + 102);
    expect(view).toMatchObject({ state: to, since: at + 102, calls: 0, trialsInFlight: 0 });
    if (to === "closed") {
      expect(allowed(await gateways.b.acquire(BROKER, at + 103))).toMatchObject({ trial: false });
      return;
    }
    // Open again: a full wait, then a new generation of trials.
    expect(await gateways.b.acquire(BROKER, at + 103)).toMatchObject({ allowed: false, retryAfterMs: 9_999 });
    const next = allowed(await gateways.b.acquire(BROKER, at + 102 + 10_000));
    expect(next.trial).toBe(true);
    expect(next.generation).toBeGreaterThan(trials[0]!.generation);
  });

  it.runIf(enabled)("forced open refuses all, forced closed allows all, release returns to the machine", async () => {
    const { a, b } = gatewaysFor(SETTINGS);
    await a.force(BROKER, "open", T0);
    for (const at of [T0, T0 + 10_000, T0 + 3_600_000])
      expect(await b.acquire(BROKER, at)).toEqual({
        allowed: false,
        state: "open",
        forced: true,
        retryAfterMs: 10_000,
      });

    await b.force(BROKER, "closed", T0 + 1);
    const duringForce = allowed(await a.acquire(BROKER, T0 + 1));
    for (let i = 0; i < 30; i++) expect(await call(i % 2 ? b : a, FAIL, T0 + 1)).toBeNull();
    expect(await a.view(BROKER, T0 + 1)).toMatchObject({ state: "closed", forced: "closed", calls: 0 });

    await a.release(BROKER, T0 + 2);
    expect(await b.view(BROKER, T0 + 2)).toMatchObject({ state: "closed", forced: null, since: T0 + 2, calls: 0 });
    // A call allowed while forced belongs to an earlier generation: it does not count after release.
    expect(await b.record(BROKER, duringForce, FAIL, T0 + 2)).toBeNull();
    expect((await b.view(BROKER, T0 + 2)).calls).toBe(0);
    await trip({ a, b }, T0 + 3);
  });

  it.runIf(enabled)("release of an unforced breaker changes nothing", async () => {
    const gateways = gatewaysFor(SETTINGS);
    await trip(gateways);
    await gateways.a.release(BROKER, T0 + 1);
    expect(await gateways.b.view(BROKER, T0 + 1)).toMatchObject({ state: "open", since: T0 });
  });

  it.runIf(enabled)("starts a new generation of trials when the last ones were never recorded", async () => {
    const gateways = gatewaysFor(SETTINGS);
    await trip(gateways);
    const lost = await takeTrials(gateways, T0 + 10_000); // their processes die before recording

    expect(await gateways.a.acquire(BROKER, T0 + 19_999)).toMatchObject({ allowed: false, state: "half-open" });
    const first = allowed(await gateways.b.acquire(BROKER, T0 + 20_000));
    expect(first).toMatchObject({
      trial: true,
      transition: {
        from: "half-open",
        to: "half-open",
        reason: "3 of 3 trial calls unrecorded after 10000ms; new trials",
        at: T0 + 20_000,
      },
    });
    expect(first.generation).toBeGreaterThan(lost[0]!.generation);

    // A lost trial answering late is stale: it neither counts nor judges the new trials.
    expect(await gateways.a.record(BROKER, lost[0]!, FAIL, T0 + 20_001)).toBeNull();
    const rest = [
      allowed(await gateways.a.acquire(BROKER, T0 + 20_001)),
      allowed(await gateways.b.acquire(BROKER, T0 + 20_001)),
    ];
    expect(await gateways.a.view(BROKER, T0 + 20_001)).toMatchObject({ calls: 0, trialsInFlight: 3 });
    const verdicts = [];
    for (const trial of [first, ...rest]) verdicts.push(await gateways.b.record(BROKER, trial, OK, T0 + 20_002));
    expect(verdicts[2]).toMatchObject({ from: "half-open", to: "closed" });
  });

  it.runIf(enabled)("drops an outcome from a call allowed before the breaker last opened", async () => {
    const gateways = gatewaysFor(SETTINGS);
    const slowCall = allowed(await gateways.a.acquire(BROKER, T0));
    await trip(gateways, T0 + 1);
    expect(await gateways.a.record(BROKER, slowCall, FAIL, T0 + 2)).toBeNull();
    for (const trial of await takeTrials(gateways, T0 + 10_001))
      await gateways.b.record(BROKER, trial, OK, T0 + 10_002);
    expect(await gateways.a.record(BROKER, slowCall, FAIL, T0 + 10_003)).toBeNull();
    expect(await gateways.a.view(BROKER, T0 + 10_003)).toMatchObject({ state: "closed", calls: 0 });
  });
});

// ---- Model-based: the Lua mirror against the rules -----------------------------------------------------------------

type Op =
  | { kind: "acquire"; via: number }
  | { kind: "record"; back: number; outcome: "ok" | "fail" | "slow" | "slowFail"; via: number }
  | { kind: "advance"; ms: number }
  | { kind: "force"; state: "open" | "closed" }
  | { kind: "release" };

const OUTCOMES = {
  ok: { ok: true, durationMs: 10 },
  fail: { ok: false, durationMs: 10 },
  slow: { ok: true, durationMs: 500 },
  slowFail: { ok: false, durationMs: 500 },
};

const settingsArbitrary = fc.record({
  windowSeconds: fc.integer({ min: 1, max: 4 }),
  minimumCalls: fc.integer({ min: 1, max: 5 }),
  failureRateThreshold: fc.constantFrom(0.25, 0.5, 0.75, 1),
  slowCallDurationMs: fc.constant(100),
  slowCallRateThreshold: fc.constantFrom(0.25, 0.5, 1),
  waitInOpenMs: fc.constantFrom(500, 1000, 3000),
  permittedCallsInHalfOpen: fc.integer({ min: 1, max: 4 }),
});

// Mostly successes, so half-open closes about as often as it reopens.
const outcomeArbitrary = fc.oneof(
  { weight: 5, arbitrary: fc.constant("ok" as const) },
  { weight: 2, arbitrary: fc.constant("fail" as const) },
  { weight: 1, arbitrary: fc.constant("slow" as const) },
  { weight: 1, arbitrary: fc.constant("slowFail" as const) },
);

// Forcing is rare and released soon, so most of a history runs the machine itself.
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant("acquire" as const), via: fc.integer({ min: 0, max: 1 }) }) },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("record" as const),
      back: fc.nat({ max: 3 }), // which outstanding call answers, counted from the newest: trials answer soon
      outcome: outcomeArbitrary,
      via: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      ms: fc.constantFrom(0, 1, 300, 499, 500, 999, 1000, 2500, 3000, 6000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("force" as const),
      state: fc.constantFrom("open" as const, "closed" as const),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("release" as const) }) },
);

describe.runIf(redisUrl)("Redis breaker against the memory breaker (model-based)", () => {
  it("answers every step of random histories as the rules do", async () => {
    const prefix = newPrefix();
    const gateways = connections!.map(
      (connection) => (settings: BreakerSettings) => redisBreaker(connection, settings, { prefix }),
    );
    await fc.assert(
      fc.asyncProperty(
        settingsArbitrary,
        fc.array(opArbitrary, { maxLength: 120, size: "max" }),
        async (settings, ops) => {
          const brokerId = crypto.randomUUID(); // a fresh breaker per history
          const model = memoryBreaker(settings);
          const real = gateways.map((gateway) => gateway(settings));
          // Permissions handed out and not yet recorded, the model's and the real ones side by side.
          const outstanding: [Permission & { allowed: true }, Permission & { allowed: true }][] = [];
          let now = T0;
          for (const [step, op] of ops.entries()) {
            const label = `step ${step}: ${JSON.stringify(op)}`;
            if (op.kind === "advance") now += op.ms;
            if (op.kind === "acquire") {
              const expected = await model.acquire(brokerId, now);
              const actual = await real[op.via]!.acquire(brokerId, now);
              expect(actual, label).toEqual(expected);
              if (expected.allowed && actual.allowed) outstanding.push([expected, actual]);
            }
            if (op.kind === "record" && outstanding.length) {
              const [expected, actual] = outstanding.splice(-1 - (op.back % outstanding.length), 1)[0]!;
              const outcome = OUTCOMES[op.outcome];
              const modelTransition = await model.record(brokerId, expected, outcome, now);
              expect(await real[op.via]!.record(brokerId, actual, outcome, now), label).toEqual(modelTransition);
            }
            if (op.kind === "force") {
              await model.force(brokerId, op.state, now);
              await real[0]!.force(brokerId, op.state, now);
            }
            if (op.kind === "release") {
              await model.release(brokerId, now);
              await real[1]!.release(brokerId, now);
            }
            expect(await real[step % 2]!.view(brokerId, now), label).toEqual(await model.view(brokerId, now));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
