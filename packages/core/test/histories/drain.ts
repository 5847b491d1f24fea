// The end of a history: the faults stop, and everything owed is done until nothing changes any more — every pending
// command delivered, every execution the broker made delivered and applied, recovery run, time let pass when only
// time can unblock something (a cancel waiting out the late-arrival window), and the operators doing what the console
// asks of them. After that, both sides must tell the same story (check.ts).
import { answerSlowCall, applyOneExecution, deliverCommand, deliverExecution, operator, sweep } from "./runStep";
import { letTimePass, worldState, type World } from "./world";

/** Rounds after which a history that still changes counts as one that never settles. */
const MAX_ROUNDS = 25;

/** Null when settled; else why not. */
export async function drain(world: World, lateArrivesAtEnd: boolean): Promise<string | null> {
  world.trace.push(`— drain (requests still on the wire ${lateArrivesAtEnd ? "arrive" : "are lost"})`);
  for (const orderId of [...world.inFlight.keys()]) await answerSlowCall(world, orderId, false);
  if (lateArrivesAtEnd) while (world.broker.lateRequests.length) world.broker.arriveLate(0);
  let waitedLastRound = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = await worldState(world);
    await deliverAllCommands(world);
    await deliverAllExecutions(world);
    await applyAllExecutions(world);
    await sweep(world, "revive");
    await sweep(world, "retries");
    await resolveAsOperators(world);
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
    for (let slot = 0; slot < world.orders.length; slot++) if (await deliverCommand(world, slot, [], false)) delivered++;
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
 * What an operator does with what the console shows: retries an order whose outcome nobody knows (the same order id,
 * so never a second order), and decides an escalated reservation by what the broker has — confirm where it has the
 * order, else cancel.
 */
async function resolveAsOperators(world: World): Promise<void> {
  const { prisma } = world;
  const waiting = await prisma.order.findMany({ where: { id: { in: world.orders }, status: "NEEDS_ATTENTION" }, select: { id: true } });
  for (const order of waiting) await operator(world, world.orders.indexOf(order.id), "RETRY", []);
  const escalated = await prisma.tccTransaction.findMany({ where: { orderId: { in: world.orders }, status: "TRYING", escalatedAt: { not: null }, resolvedBy: null }, select: { orderId: true } });
  for (const { orderId } of escalated) {
    const slot = world.orders.indexOf(orderId);
    const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    if (order.status === "FILLED" || order.status === "CANCELLED" || order.status === "REJECTED" || order.status === "EXPIRED") continue;
    if (!(await operator(world, slot, "CONFIRM_PENDING", []))) await operator(world, slot, "CANCEL_PENDING", []);
  }
}
