import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import { retryDelayMs } from "./backoff";
import { StepFailed, type SagaDefinition } from "./definition";
import { sagaStepKey } from "./keys";
import { SagaRunner } from "./sagaRunner";
import { startSaga } from "./store";

const SETTINGS = { pollMs: 10, stepMaxAttempts: 3, compensationMaxAttempts: 3, retryBaseMs: 1000, retryCapMs: 5000 };

type Log = string[];

/** A saga of three steps whose behaviour each test scripts; every run and compensation is logged with its key. */
function scripted(type: string, log: Log, script: Partial<Record<string, (attempt: number) => Promise<void>>>) {
  const step = (name: string, compensate = true) => ({
    name,
    phase: name.toLowerCase(),
    run: async ({ attempt, key }: { attempt: number; key(name: string): string }) => {
      log.push(`${name}#${attempt}:${key(name).slice(0, 8)}`);
      await script[name]?.(attempt);
      return { done: { [name]: attempt } };
    },
    ...(compensate
      ? {
          compensation: {
            name: `UNDO_${name}`,
            phase: "undoing",
            run: async ({ attempt }: { attempt: number }) => {
              log.push(`UNDO_${name}#${attempt}`);
              await script[`UNDO_${name}`]?.(attempt);
              return { [`undone${name}`]: true };
            },
          },
        }
      : {}),
  });
  const definition: SagaDefinition<unknown, Record<string, unknown>> = {
    type,
    steps: [step("A"), step("B"), step("C", false)],
    outcome: ({ status, failure }) => `${status}${failure ? `: ${failure}` : ""}`,
  };
  return definition;
}

describe("the saga engine", () => {
  let h: Harness;
  let accountId: string;

  beforeAll(async () => {
    h = await createHarness();
    accountId = (await h.account("alice@demo.meridian")).id;
  });
  afterAll(() => h.close());

  async function start(type: string) {
    return startSaga(h.db.prisma, { idempotencyKey: randomUUID(), type, accountId, input: {} });
  }
  /** Makes every saga due now, as if its retry time had come. */
  const dueNow = () => h.db.prisma.$executeRaw`UPDATE sagas SET next_run_at = now() - interval '1 second'`;
  const saga = (id: string) =>
    h.db.prisma.saga.findUniqueOrThrow({ where: { id }, include: { steps: { orderBy: { seq: "asc" } } } });
  const step = async (id: string, name: string) => (await saga(id)).steps.find((row) => row.name === name)!;

  it("runs the steps in order, records each, and completes", async () => {
    const log: Log = [];
    const definition = scripted("ORDERLY", log, {});
    const { id } = await start("ORDERLY");
    await new SagaRunner(h.services, [definition], SETTINGS).runDue();
    const done = await saga(id);
    expect(done.status).toBe("COMPLETED");
    expect(done.outcome).toBe("COMPLETED");
    expect(log.map((entry) => entry.split(":")[0])).toEqual(["A#1", "B#1", "C#1"]);
    expect(done.steps.map((row) => [row.name, row.status, row.attempts])).toEqual([
      ["A", "DONE", 1],
      ["B", "DONE", 1],
      ["C", "DONE", 1],
    ]);
    expect(done.state).toEqual({ A: 1, B: 1, C: 1 });
    expect(done.leaseOwner).toBeNull();
  });

  it("retries a step that got no answer, later, with the same key, and never repeats a step that is done", async () => {
    const log: Log = [];
    const definition = scripted("FLAKY", log, {
      B: async (attempt) => {
        if (attempt === 1) throw new Error("partner timed out");
      },
    });
    const { id } = await start("FLAKY");
    const runner = new SagaRunner(h.services, [definition], SETTINGS);
    await runner.runDue();
    const retrying = await step(id, "B");
    expect(retrying.status).toBe("RETRYING");
    expect(retrying.lastError).toBe("try 1: partner timed out");
    const paused = await saga(id);
    expect(paused.status).toBe("RUNNING");
    expect(paused.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 200);
    expect(await runner.runDue()).toBe(0); // not due yet
    await dueNow();
    await runner.runDue();
    expect((await saga(id)).status).toBe("COMPLETED");
    const keyOfB = sagaStepKey(id, "B").slice(0, 8);
    expect(log).toEqual([
      `A#1:${sagaStepKey(id, "A").slice(0, 8)}`,
      `B#1:${keyOfB}`,
      `B#2:${keyOfB}`,
      expect.stringMatching(/^C#1/),
    ]);
  });

  it("resumes a saga whose runner died mid-step from that step, and the dead runner writes nothing after", async () => {
    const log: Log = [];
    let releaseStuck!: () => void;
    const stuck = new Promise<void>((resolve) => (releaseStuck = resolve));
    const definition = scripted("CRASHY", log, {
      B: async (attempt) => {
        if (attempt === 1) await stuck; // the first runner hangs here, as if its process froze
      },
    });
    const { id } = await start("CRASHY");
    const first = new SagaRunner(h.services, [definition], SETTINGS);
    const firstRun = first.runDue();
    await expect.poll(async () => (await step(id, "B"))?.status, { timeout: 5000 }).toBe("STARTED");
    // Its lease lapses; another worker takes the saga over and runs B again with the same key.
    await h.db.prisma.$executeRaw`UPDATE sagas SET lease_until = now() - interval '1 second' WHERE id = ${id}::uuid`;
    await new SagaRunner(h.services, [definition], SETTINGS).runDue();
    expect((await saga(id)).status).toBe("COMPLETED");
    releaseStuck();
    await firstRun;
    const after = await saga(id);
    expect(after.status).toBe("COMPLETED");
    expect(after.steps.find((row) => row.name === "B")!.attempts).toBe(2);
    expect(log.filter((entry) => entry.startsWith("A#"))).toHaveLength(1);
    expect(log.filter((entry) => entry.startsWith("C#"))).toHaveLength(1);
    expect(new Set(log.filter((entry) => entry.startsWith("B#")).map((entry) => entry.split(":")[1])).size).toBe(1);
  });

  it("compensates the steps that succeeded, last first, when a step says no", async () => {
    const log: Log = [];
    const definition = scripted("REFUSED", log, {
      C: async () => {
        throw new StepFailed("the partner refused");
      },
    });
    const { id } = await start("REFUSED");
    await new SagaRunner(h.services, [definition], SETTINGS).runDue();
    const ended = await saga(id);
    expect(ended.status).toBe("COMPENSATED");
    expect(ended.outcome).toBe("COMPENSATED: the partner refused");
    expect(log.map((entry) => entry.split(":")[0])).toEqual(["A#1", "B#1", "C#1", "UNDO_B#1", "UNDO_A#1"]);
    expect(ended.steps.filter((row) => row.kind === "COMPENSATION").map((row) => [row.name, row.status])).toEqual([
      ["UNDO_B", "DONE"],
      ["UNDO_A", "DONE"],
    ]);
  });

  it("registers nothing for a step that failed before anything succeeded: the saga simply failed", async () => {
    const log: Log = [];
    const definition = scripted("EARLY", log, {
      A: async () => {
        throw new StepFailed("quote expired");
      },
    });
    const { id } = await start("EARLY");
    await new SagaRunner(h.services, [definition], SETTINGS).runDue();
    const ended = await saga(id);
    expect(ended.status).toBe("FAILED");
    expect(ended.steps.filter((row) => row.kind === "COMPENSATION")).toEqual([]);
  });

  it("keeps a failing compensation PENDING with backoff, hands it to an operator after the last try, and the operator's retry finishes it (audited)", async () => {
    const log: Log = [];
    let partnerDown = true;
    const definition = scripted("STUCK", log, {
      C: async () => {
        throw new StepFailed("order ended unfilled");
      },
      UNDO_B: async () => {
        if (partnerDown) throw new Error("FX desk unavailable");
      },
    });
    const { id } = await start("STUCK");
    const runner = new SagaRunner(h.services, [definition], SETTINGS);
    await runner.runDue();
    let compensation = await step(id, "UNDO_B");
    expect(compensation).toMatchObject({ status: "PENDING", attempts: 1, lastError: "try 1: FX desk unavailable" });
    expect(compensation.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect((await step(id, "UNDO_A")).status).toBe("PENDING"); // waits: last in, first out
    for (let attempt = 2; attempt <= SETTINGS.compensationMaxAttempts; attempt++) {
      await h.db.prisma
        .$executeRaw`UPDATE saga_steps SET next_attempt_at = now() - interval '1 second' WHERE saga_id = ${id}::uuid`;
      await dueNow();
      await runner.runDue();
    }
    compensation = await step(id, "UNDO_B");
    expect(compensation).toMatchObject({ status: "WAITING_OPERATOR", attempts: 3 });
    expect((await saga(id)).status).toBe("NEEDS_OPERATOR");
    await dueNow();
    expect(await runner.runDue()).toBe(0); // the scheduler leaves it to the operator
    expect(log.filter((entry) => entry.startsWith("UNDO_A"))).toEqual([]);

    const customer = await h.caller("alice@demo.meridian");
    await expect(
      customer.admin.sagas.retryCompensation({ sagaId: id, step: "UNDO_B", reason: "desk is back" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const operator = await h.caller("ops@demo.meridian");
    await expect(
      operator.admin.sagas.retryCompensation({ sagaId: id, step: "UNDO_B", reason: "no" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    partnerDown = false;
    await operator.admin.sagas.retryCompensation({ sagaId: id, step: "UNDO_B", reason: "the FX desk is back up" });
    await runner.runDue();
    const ended = await saga(id);
    expect(ended.status).toBe("COMPENSATED");
    expect(log.filter((entry) => entry.startsWith("UNDO_")).map((entry) => entry.split(":")[0])).toEqual([
      "UNDO_B#1",
      "UNDO_B#2",
      "UNDO_B#3",
      "UNDO_B#4",
      "UNDO_A#1",
    ]);
    const audit = await h.db.prisma.auditLog.findMany({ where: { targetId: id } });
    expect(audit).toEqual([
      expect.objectContaining({ action: "saga.compensation.retry", reason: "the FX desk is back up" }),
    ]);
    await expect(
      operator.admin.sagas.retryCompensation({ sagaId: id, step: "UNDO_B", reason: "again please" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("lets an operator resolve a stuck compensation by hand, and the saga moves on", async () => {
    const log: Log = [];
    const definition = scripted("RESOLVED", log, {
      C: async () => {
        throw new StepFailed("order rejected");
      },
      UNDO_B: async () => {
        throw new Error("desk down");
      },
    });
    const { id } = await start("RESOLVED");
    const runner = new SagaRunner(h.services, [definition], { ...SETTINGS, compensationMaxAttempts: 1 });
    await runner.runDue();
    expect((await saga(id)).status).toBe("NEEDS_OPERATOR");
    const operator = await h.caller("ops@demo.meridian");
    await operator.admin.sagas.resolveCompensation({
      sagaId: id,
      step: "UNDO_B",
      reason: "refunded by hand at the desk, ticket 42",
    });
    await runner.runDue();
    const ended = await saga(id);
    expect(ended.status).toBe("COMPENSATED");
    expect(ended.steps.find((row) => row.name === "UNDO_B")).toMatchObject({
      status: "RESOLVED",
      resolvedBy: expect.stringMatching(/^operator:/),
      resolvedReason: "refunded by hand at the desk, ticket 42",
    });
    expect(log.at(-1)).toBe("UNDO_A#1");
  });

  it("gives the same saga back for the same key and request, refuses the key for another request, and keeps keys per account", async () => {
    const idempotencyKey = randomUUID();
    const request = { idempotencyKey, type: "ORDERLY", accountId, input: { amount: "10", sell: "KRW" } };
    const first = await startSaga(h.db.prisma, request);
    const again = await startSaga(h.db.prisma, { ...request, input: { sell: "KRW", amount: "10" } });
    expect(again.id).toBe(first.id);
    await expect(startSaga(h.db.prisma, { ...request, input: { amount: "11", sell: "KRW" } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    // Another customer's use of the key is a request of their own: it learns nothing of the first saga.
    const bob = await h.account("bob@demo.meridian");
    const bobs = await startSaga(h.db.prisma, { ...request, accountId: bob.id });
    expect(bobs.id).not.toBe(first.id);
    expect(bobs.accountId).toBe(bob.id);
  });
});

describe("retry delays", () => {
  it("grow with the attempt, stay within [base/2, cap], and are jittered", () => {
    const settings = { retryBaseMs: 1000, retryCapMs: 8000 };
    expect(retryDelayMs(1, settings, () => 0)).toBe(500);
    expect(retryDelayMs(1, settings, () => 1)).toBe(1000);
    expect(retryDelayMs(3, settings, () => 1)).toBe(4000);
    expect(retryDelayMs(10, settings, () => 1)).toBe(8000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, settings)));
    expect(spread.size).toBeGreaterThan(10);
  });
});
