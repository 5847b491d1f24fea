// One generated history from start to verdict, and the property that runs many of them: open a world, run the steps,
// drain, check. A failing history throws a report (what broke, then what happened step by step); fast-check shrinks it
// to a shortest history that still fails and prints its seed and path, so that one run replays it.
import fc from "fast-check";
import type { CoreServices } from "../../src/services";
import { checkSettled } from "./check";
import { drain } from "./drain";
import { runStep } from "./runStep";
import { historyArbitrary, type History } from "./steps";
import { openWorld, type World } from "./world";

export interface HistoryTally {
  histories: number;
  steps: number;
  brokerCalls: number;
  /** Orders by the status they settled in ("+fills" when something filled), to show what the histories reached. */
  settledAs: Record<string, number>;
}

export function emptyTally(): HistoryTally {
  return { histories: 0, steps: 0, brokerCalls: 0, settledAs: {} };
}

export class HistoryFailure extends Error {
  constructor(
    readonly problems: string[],
    readonly trace: string[],
  ) {
    super(
      `${problems.length} broken promise(s):\n  - ${problems.join("\n  - ")}\nwhat happened:\n  ${trace.join("\n  ")}`,
    );
    this.name = "HistoryFailure";
  }
}

export async function runHistory(base: CoreServices, history: History, tally?: HistoryTally): Promise<void> {
  const world = await openWorld(base, history.broker, history.funding);
  world.trace.push(`broker ${world.broker.brokerId}: ${JSON.stringify(history.broker)}; ${history.funding} funding`);
  for (const step of history.steps) await runStep(world, step);
  const unsettled = await drain(world, history);
  const problems = await checkSettled(world);
  if (unsettled) problems.unshift(unsettled);
  if (tally) await count(tally, world, history);
  if (problems.length) throw new HistoryFailure(problems, world.trace);
}

async function count(tally: HistoryTally, world: World, history: History): Promise<void> {
  tally.histories++;
  tally.steps += history.steps.length;
  tally.brokerCalls += world.broker.calls;
  const orders = await world.prisma.order.findMany({
    where: { id: { in: world.orders } },
    select: { status: true, filledQuantity: true },
  });
  for (const order of orders) {
    const outcome = order.filledQuantity.isZero() ? order.status : `${order.status}+fills`;
    tally.settledAs[outcome] = (tally.settledAs[outcome] ?? 0) + 1;
  }
}

export function historyProperty(base: CoreServices, tally?: HistoryTally) {
  return fc.asyncProperty(historyArbitrary, (history) => runHistory(base, history, tally));
}

export interface ReplayOptions {
  numRuns: number;
  seed?: number;
  path?: string;
}

/** MODEL_RUNS, MODEL_SEED and MODEL_PATH (as fast-check prints them for a failure) choose or replay histories. */
export function replayOptionsFromEnv(env: NodeJS.ProcessEnv, defaultRuns: number): ReplayOptions {
  const numRuns = env.MODEL_RUNS ? Number(env.MODEL_RUNS) : defaultRuns;
  const seed = env.MODEL_SEED ? Number(env.MODEL_SEED) : undefined;
  if (!Number.isInteger(numRuns) || numRuns < 1)
    throw new Error(`MODEL_RUNS must be a positive whole number, got "${env.MODEL_RUNS}"`);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`MODEL_SEED must be a whole number, got "${env.MODEL_SEED}"`);
  return { numRuns, seed, path: env.MODEL_PATH || undefined };
}
