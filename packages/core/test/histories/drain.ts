// The end of a history: the faults stop, and everything owed is done until nothing changes any more — every pending
// command delivered, every execution the broker made delivered and applied, recovery run, time let pass when only
// time can unblock something (a cancel waiting out the late-arrival window), and the operators doing what the console
// asks of them. After that, both sides must tell the same story (check.ts).
import { deliverFeePointsBranches } from "../../src/tcc/feePoints";
import { operator, sweep } from "./runStep";
import { answerSlowCall, applyOneExecution, deliverCommand, deliverExecution } from "./transport";
import type { History } from "./steps";
import { letTimePass, worldState, type World } from "./world";

/** Rounds after which a history that still changes counts as one that never settles. */
const MAX_ROUNDS = 25;

/** Null when settled; else why not. */
export async function drain(
  world: World,
  { lateArrivesAtEnd, attentionPolicy }: Pick<History, "lateArrivesAtEnd" | "attentionPolicy">,
): Promise<string | null> {
  world.trace.push(
    `— drain (requests still on the wire ${lateArrivesAtEnd ? "arrive" : "are lost"}; operators ${attentionPolicy} orders the gateway gave up on)`,
  );
  for (const orderId of [...world.inFlight.keys()]) await answerSlowCall(world, orderId, false);
  if (lateArrivesAtEnd) while (world.broker.lateRequests.length) world.broker.arriveLate(0);
  let waitedLastRound = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = await worldState(world);
    await resolveAsOperators(world, attentionPolicy);
    await deliverAllCommands(world);
    await deliverAllExecutions(world);
    await applyAllExecutions(world);
    await sweep(world, "revive");
    await sweep(world, "retries");
    await deliverFeePointsBranches(world.services);
    if ((await worldState(world)) !== before) {
      waitedLastRound = false;
      continue;
    }
    if (waitedLastRound) return null;
    await letTimePass(world);
    world.trace.push("time passes");
    waitedLastRound = true;
  }
  return `still changing after ${MAX_ROUNDS} rounds of delivery, recovery and waiting`;
}

/** Each order's commands in order, until every key's next command fails or none is left. */
async function deliverAllCommands(world: World): Promise<void> {
  for (let pass = 0; pass < 20; pass++) {
    let delivered = 0;
    for (let slot = 0; slot < world.orders.length; slot++)
      if (await deliverCommand(world, slot, [], false)) delivered++;
    if (!delivered) return;
  }
}

async function deliverAllExecutions(world: World): Promise<void> {
  const { executions } = world.broker;
  for (let index = 0; index < executions.length; index++) {
    if (!world.deliveredExecIds.has(executions[index]!.execId)) await deliverExecution(world, index, 1);
  }
}

async function applyAllExecutions(world: World): Promise<void> {
  for (let slot = 0; slot < world.orders.length; slot++) {
    for (let applied = 0; applied < 50 && (await applyOneExecution(world, slot, false)); applied++);
  }
}

/**
 * What an operator does with what the console shows: an order the gateway gave up on is retried (the same order id,
 * so never a second order) or marked rejected, whichever the history chose (retried when the rejection is refused);
 * an escalated reservation is decided by what the broker has — confirm where it has the order, else cancel.
 */
async function resolveAsOperators(world: World, attentionPolicy: History["attentionPolicy"]): Promise<void> {
  const { prisma } = world;
  // In the order the orders were placed, so that a replay takes the same path.
  const bySlot = (ids: string[]) => ids.map((id) => world.orders.indexOf(id)).sort((a, b) => a - b);
  const waiting = await prisma.order.findMany({
    where: { id: { in: world.orders }, status: "NEEDS_ATTENTION" },
    select: { id: true },
  });
  for (const slot of bySlot(waiting.map((order) => order.id))) {
    if (attentionPolicy === "retry" || !(await operator(world, slot, "REJECT", [])))
      await operator(world, slot, "RETRY", []);
  }
  const escalated = await prisma.tccTransaction.findMany({
    where: { orderId: { in: world.orders }, status: "TRYING", escalatedAt: { not: null }, resolvedBy: null },
    select: { orderId: true },
  });
  const open = await prisma.order.findMany({
    where: {
      id: { in: escalated.map((record) => record.orderId) },
      status: { notIn: ["FILLED", "CANCELLED", "REJECTED", "EXPIRED"] },
    },
    select: { id: true },
  });
  for (const slot of bySlot(open.map((order) => order.id))) {
    if (!(await operator(world, slot, "CONFIRM_PENDING", []))) await operator(world, slot, "CANCEL_PENDING", []);
  }
}
